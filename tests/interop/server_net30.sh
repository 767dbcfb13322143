#!/usr/bin/env bash
# topology net30 (OpenVPN 2.6's default when none is given): each client a
# /30 from the pool (.6 with peer .5, .10 with peer .9, ...), the server's
# address pushed as a route; an openvpn 2.6 and a dcovpn client ping it.
# The server says that it keeps 2.6's default where 2.7's is subnet.
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
server_conf udp none "tun-mtu 1400"
sed -i '/^topology subnet$/d; /^server-ipv6/d' "$T/server.conf"
client_conf 1 udp none disable-dco "tun-mtu 1400"
client_conf 2 udp none "tun-mtu 1400"
start_server
start_client 1 openvpn
wait_client 1
start_client 2 dcovpn
wait_client 2
[ "$(client_tun4 1)" = 198.19.66.6 ] || fail "c1 has $(client_tun4 1), want 198.19.66.6"
[ "$(client_tun4 2)" = 198.19.66.10 ] || fail "c2 has $(client_tun4 2), want 198.19.66.10"
grep -q "ifconfig 198.19.66.6 198.19.66.5" "$T/server.log" || fail "net30 ifconfig not pushed"
grep -q "route 198.19.66.1,topology net30" "$T/server.log" || fail "net30 route/topology not pushed"
grep -q "NOTE: --topology not given: net30, OpenVPN 2.6's default" "$T/server.log" ||
	fail "no note on the 2.6 topology default"
for i in 1 2; do wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i ping"; done
in_s ping -c2 -i0.2 -W2 198.19.66.10 >/dev/null || fail "server -> c2 ping"
echo "PASS: $CASE"
