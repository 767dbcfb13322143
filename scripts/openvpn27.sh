#!/bin/bash
# A real OpenVPN 2.7 for the interop tests, beside the system's 2.6: Debian
# unstable's `openvpn` and the libraries it needs (newer than Debian 12's),
# unpacked privately by scripts/debian-sid.sh (see there).
#
#   scripts/openvpn27.sh          fetch once (idempotent), print the wrapper path
#                                 on stdout and `openvpn --version` on stderr
# Env: OPENVPN27_DIR (default /var/cache/dcovpn-test/openvpn27),
#      OPENVPN27_MIRROR, OPENVPN27_TIMEOUT (seconds for the download, 100).
# Exit 0 with the wrapper ready; 2 when the archive cannot be reached; 1 else.
# openvpn's Depends in unstable, and theirs, that Debian 12 lacks or has too old.
SID_MIRROR=${OPENVPN27_MIRROR:-${SID_MIRROR:-}} \
SID_TIMEOUT=${OPENVPN27_TIMEOUT:-100} \
exec "$(dirname "$0")/debian-sid.sh" \
	"${OPENVPN27_DIR:-/var/cache/dcovpn-test/openvpn27}" usr/sbin/openvpn \
	'^OpenVPN 2\.7' \
	openvpn libc6 libgcc-s1 libssl3t64 libzstd1 zlib1g libpkcs11-helper1t64 \
	libnl-3-200 libnl-genl-3-200 libcap-ng0 liblz4-1 libxxhash0 liblzo2-2 \
	libpam0g libsystemd0
