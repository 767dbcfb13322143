#!/usr/bin/env bash
# UDP/IPv4, tls-auth; the server pushes "redirect-gateway def1 bypass-dhcp"
# and a DNS server: the client routes 0.0.0.0/1 and 128.0.0.0/1 into the
# tunnel, keeps a host route to the server outside it (also pushed as
# "route remote_host ... net_gateway"), honours net_gateway and a numeric
# gateway on pushed routes, still carries
# traffic, and removes the host route when it exits. With persist-tun (in
# every config here) a reconnect keeps device, routes and the host route:
# the new connection reaches the server outside the tunnel.
. "$(dirname "$0")/lib.sh"
SERVER_EXTRA=('push "redirect-gateway def1 bypass-dhcp"' 'push "dhcp-option DNS 198.19.64.1"'
	'push "route 198.18.77.0 255.255.255.0 net_gateway"'
	'push "route 198.18.78.0 255.255.255.0 198.19.64.1"'
	'push "route remote_host 255.255.255.255 net_gateway"')
MB=${MB:-5}
run_basic udp 4 auth
routes=$(in_c ip -4 route show)
echo "$routes" | grep '^0\.0\.0\.0/1 dev tun' >/dev/null || fail "no 0.0.0.0/1 via the tunnel: $routes"
echo "$routes" | grep '^128\.0\.0\.0/1 dev tun' >/dev/null || fail "no 128.0.0.0/1 via the tunnel: $routes"
echo "$routes" | grep "^$UL4_S dev $VETH_C" >/dev/null || fail "no host route to the server: $routes"
# OpenVPN's route words: net_gateway leaves by the pre-tunnel way, a
# gateway inside the tunnel's subnet goes through the tunnel
echo "$routes" | grep "^198\.18\.77\.0/24 dev $VETH_C" >/dev/null || fail "net_gateway route not outside the tunnel: $routes"
echo "$routes" | grep "^198\.18\.78\.0/24 dev tun" >/dev/null || fail "route via 198.19.64.1 not through the tunnel: $routes"
kill -USR1 "$CLI_PID"
wait_for 30 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/client.log') -ge 2 ]" ||
	fail "no reconnect after SIGUSR1 with redirect-gateway and persist-tun"
ping_both
in_c ip -4 route show | grep "^$UL4_S dev $VETH_C" >/dev/null || fail "host route lost in the reconnect"
stop_pid "$CLI_PID"
CLI_PID=
in_c ip -4 route show | grep "^$UL4_S dev" >/dev/null && fail "host route to the server left behind"
echo "PASS: $CASE"
