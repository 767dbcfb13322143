#!/usr/bin/env bash
# UDP/IPv4, no wrapping: the server pushes 100 routes, so the PUSH_REPLY
# comes in several parts ("push-continuation"); all routes must be on the
# client's tun device.
. "$(dirname "$0")/lib.sh"
for i in $(seq 1 100); do
	SERVER_EXTRA+=("push \"route 198.19.$((100 + i / 50)).$((i % 50 * 4)) 255.255.255.252\"")
done
MB=${MB:-2}
run_basic udp 4 none
n=$(in_c ip -4 route show | grep -c '^198\.19\.1[0-9][0-9]\.[0-9]*/30 dev tun')
[ "$n" -eq 100 ] || fail "$n of 100 pushed routes installed"
grep -qE "PUSH_REPLY' \([2-9] parts\)" "$T/client.log" || fail "reply did not come in parts"
echo "PASS: $CASE"
