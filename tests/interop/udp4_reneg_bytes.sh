#!/usr/bin/env bash
# UDP/IPv4, tls-auth, client "reneg-bytes 2000000": the engine's link
# counters make dcovpn renegotiate during the transfers, which must stay
# intact.
. "$(dirname "$0")/lib.sh"
CLIENT_EXTRA=("reneg-bytes 2000000")
MB=${MB:-20}
run_basic udp 4 auth
n=$(grep -c "soft reset after" "$T/client.log" || true)
[ "$n" -ge 2 ] || fail "$n byte-triggered renegotiations"
ping_both
echo "PASS: $CASE"
