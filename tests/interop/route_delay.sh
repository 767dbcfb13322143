#!/usr/bin/env bash
# --route-delay 3, as OpenVPN 2.6's manual says: the routes (here a pushed
# one) are added 3 s after the tunnel came up, and only then is the
# initialization complete. An openvpn 2.6 server; openvpn as the client on
# the same config first, then dcovpn: when the tun device is opened the
# route is not there yet, it comes 2-6 s later.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 crypt 'push "route 198.19.99.0 255.255.255.0"'
client_conf udp 4 crypt "route-delay 3"
has_route() { in_c ip -4 route show 198.19.99.0/24 | grep -q .; }

start_server
for bin in "$OPENVPN" "$DCOVPN"; do
	prog=$(basename "$bin")
	rm -f "$T/client.log"
	ip netns exec "$NS_C" "$bin" --config "$T/client.conf" >"$T/client.log" 2>&1 &
	CLI_PID=$!
	wait_for 30 grep -q "TUN/TAP device .* opened" "$T/client.log" ||
		fail "$prog: no tun device"
	start=$SECONDS
	has_route && fail "$prog: route there as the tun device opened"
	grep -q "Initialization Sequence Completed" "$T/client.log" &&
		fail "$prog: initialization complete before the routes"
	wait_for 10 has_route || fail "$prog: route never added"
	took=$((SECONDS - start))
	wait_for 5 grep -q "Initialization Sequence Completed" "$T/client.log" ||
		fail "$prog: initialization not complete"
	[ "$took" -ge 2 ] || fail "$prog: route after $took s, not 3"
	log "$prog: route added $took s after the tun device opened"
	stop_pid "$CLI_PID"; CLI_PID=
done
echo "PASS: $CASE"
