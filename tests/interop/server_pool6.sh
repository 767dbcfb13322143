#!/usr/bin/env bash
# The manual form of a server, as OpenVPN's man page gives it instead of
# the "server" helpers: mode server, tls-server, ifconfig, ifconfig-pool,
# ifconfig-ipv6 and ifconfig-ipv6-pool. An openvpn 2.6 client gets the
# first address of each pool and pings the server over IPv4 and IPv6.
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
server_conf udp auth
sed -i -e '/^server /d' -e '/^server-ipv6 /d' -e '/^topology /d' "$T/server.conf"
cat >>"$T/server.conf" <<X
mode server
tls-server
topology subnet
ifconfig $TUN4_S 255.255.255.0
ifconfig-pool 198.19.66.100 198.19.66.150
push "topology subnet"
push "route-gateway $TUN4_S"
ifconfig-ipv6 $TUN6_S/64 fd00:67::2
ifconfig-ipv6-pool fd00:67::100/64
X
client_conf 1 udp auth
start_server
start_client 1 openvpn
wait_client 1
[ "$(client_tun4 1)" = 198.19.66.100 ] || fail "c1 got $(client_tun4 1), not the pool's first address"
in_c 1 ip -6 -o addr show | grep "fd00:67::100/64" >/dev/null || fail "c1 lacks fd00:67::100 from ifconfig-ipv6-pool"
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1: no IPv4 ping"
wait_for 15 in_c 1 ping -6 -c1 -W1 "$TUN6_S" || fail "c1: no IPv6 ping"
echo "PASS: $CASE"
