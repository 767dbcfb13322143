#!/usr/bin/env bash
# UDP/IPv4, tls-auth, the server on 2.6's default "topology net30": the
# pushed "ifconfig <local> <remote>" becomes a /32 plus a route to the far
# end, and the pushed route to the server's /24 goes through the tunnel.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 auth
sed -i '/^topology subnet$/d; /^server-ipv6/d' "$T/server.conf"
client_conf udp 4 auth
start_server
start_client
grep -q "topology subnet" "$T/client.log" && fail "server pushed topology subnet"
c4=$(client_tun4)
[ -n "$c4" ] || fail "no tunnel address"
wait_for 15 in_c ping -c1 -W1 "$TUN4_S" || fail "client -> server ping (net30)"
in_s ping -c3 -i0.2 -W2 "$c4" >/dev/null || fail "server -> client ping (net30)"
transfer "${MB:-20}" up
echo "PASS: $CASE"
