#!/usr/bin/env bash
# dev tap in point-to-point TLS mode: openvpn 2.6 --tls-server and dcovpn
# --tls-client, both `dev tap` with `ifconfig ADDR NETMASK` (a tap has no
# point-to-point far end). ARP through the tunnel, pings both ways, a
# transfer each way.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
p2p_server_conf "keepalive 10 60" "verb 4"
sed -i "s/^dev tun$/dev tap/; s/^ifconfig .*/ifconfig $TUN4_S 255.255.255.0/" "$T/server.conf"
p2p_client_lines | sed "s/^dev tun$/dev tap/; s/^ifconfig .*/ifconfig 198.19.64.2 255.255.255.0/" >"$T/client.conf"
printf '%s\n' "keepalive 10 60" "verb 4" >>"$T/client.conf"
start_p2p_pair
in_c ip -4 -o addr show | grep -q "tap[0-9]* .*inet 198.19.64.2/24" ||
	fail "client tap has no 198.19.64.2/24"
tap_mac() { "$@" cat /sys/class/net/"$("$@" ls /sys/class/net | grep '^tap' | head -n1)"/address; }
wait_for 15 in_c ping -c1 -W1 "$TUN4_S" || fail "client -> server ping through the tap"
in_s ping -c3 -i0.2 -W2 198.19.64.2 >/dev/null || fail "server -> client ping through the tap"
in_c ip neigh show "$TUN4_S" | grep -qi "lladdr $(tap_mac in_s)" ||
	fail "client did not learn the server's tap MAC by ARP"
client_tun4() { echo 198.19.64.2; }
transfer "${MB:-10}" up
transfer "${MB:-10}" down
! grep "used inconsistently" "$T/server.log" ||
	fail "openvpn found the options strings inconsistent (OCC)"
echo "PASS: $CASE"
