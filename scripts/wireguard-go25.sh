#!/bin/bash
# wireguard-go's 2025 release (Debian unstable's 0.0.2025xxxx: TUN and UDP
# GSO/GRO, batched I/O) for the bench, beside Debian 12's 0.0.20220316,
# unpacked privately by scripts/debian-sid.sh (see there).
#
#   scripts/wireguard-go25.sh     fetch once, print the wrapper path on stdout
# Env: WGGO25_DIR (default /var/cache/dcovpn-test/wireguard-go25), SID_MIRROR,
#      SID_TIMEOUT. Exit 0 ready; 2 archive unreachable; 1 else.
exec "$(dirname "$0")/debian-sid.sh" \
	"${WGGO25_DIR:-/var/cache/dcovpn-test/wireguard-go25}" usr/bin/wireguard-go \
	'0\.0\.2025' wireguard-go libc6 libgcc-s1
