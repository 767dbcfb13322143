#!/usr/bin/env bash
# dcovpn client, OpenVPN 2.7 server renegotiating every 6 s (reneg-sec on
# the server) under 20 Mbit/s of iperf3 and pings for 16 s: no stalled
# second, pings answered. dcovpn announces dyn-tls-crypt (IV_PROTO bit 9),
# so 2.7 pushes it and every renegotiation runs under the tls-crypt key
# both derive from the first TLS session: a wrong key on either side stalls
# the renegotiations.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/lib.sh"
RENEG_SECS=${RENEG_SECS:-16} RENEG_SEC=6 MB=${MB:-5} run_reneg udp server
grep -q "PUSH_REPLY.*protocol-flags[a-z -]* dyn-tls-crypt" "$T/server.log" ||
	fail "the 2.7 server did not push dyn-tls-crypt"
grep -q "dynamic tls-crypt: renegotiations use" "$T/client.log" ||
	fail "dcovpn did not start dynamic tls-crypt"
echo "PASS: $CASE"
