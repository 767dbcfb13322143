#!/usr/bin/env bash
# dev tap (layer 2): dcovpn client against openvpn 2.6's `server` in tap
# mode (pushes ifconfig ADDR NETMASK and route-gateway). ARP must resolve
# through the tunnel both ways (each side learns the other's tap MAC), then
# pings both ways and a transfer each way carried as Ethernet frames.
. "$(dirname "$0")/lib.sh"

tap4() { # NS-runner: the IPv4 address on the tap device
	"$@" ip -4 -o addr show | awk '$2 ~ /^tap/ { split($4, a, "/"); print a[1] "/" a[2] }' | head -n1
}
mac_of() { # NS-runner: the tap device's MAC
	"$@" ip -o link show | awk '$2 ~ /^tap/ { for (i = 1; i < NF; i++) if ($i == "link/ether") print $(i + 1) }' | head -n1
}

ns_setup
pki_make
# mssfix 0 on openvpn: dcovpn's clamp alone keeps the frames whole
server_conf udp 4 crypt "mssfix 0"
sed -i 's/^dev tun$/dev tap/; /^topology /d; /^server-ipv6 /d' "$T/server.conf"
client_conf udp 4 crypt
sed -i 's/^dev tun$/dev tap/' "$T/client.conf"
start_server
start_client
grep -q "TUN/TAP device tap[0-9]* opened" "$T/client.log" || fail "dcovpn did not open a tap"
c4=$(tap4 in_c)
[ "${c4#*/}" = 24 ] || fail "client tap address '$c4', want ADDR/24 (ifconfig ADDR NETMASK)"
c4=${c4%/*}
wait_for 15 in_c ping -c1 -W1 "$TUN4_S" || fail "client -> server ping through the tap"
in_c ping -c3 -i0.2 -W2 "$TUN4_S" >/dev/null || fail "client -> server pings lost"
in_s ping -c3 -i0.2 -W2 "$c4" >/dev/null || fail "server -> client ping through the tap"
# ARP went through the tunnel: each side holds the other's tap MAC.
smac=$(mac_of in_s) cmac=$(mac_of in_c)
in_c ip neigh show "$TUN4_S" | grep -qi "lladdr $smac" ||
	fail "client has no ARP entry with the server's MAC $smac"
in_s ip neigh show "$c4" | grep -qi "lladdr $cmac" ||
	fail "server has no ARP entry with the client's MAC $cmac"
# transfer() looks for the client's address on a tun: use the tap's.
TAP_C4=$c4
client_tun4() { echo "$TAP_C4"; }
f0=$(frag_creates "$NS_C")
transfer "${MB:-10}" up
transfer "${MB:-10}" down
[ "$(frag_creates "$NS_C")" -eq "$f0" ] ||
	fail "dcovpn's side fragmented $(($(frag_creates "$NS_C") - f0)) datagrams (MSS clamp on the tap)"
! grep "used inconsistently" "$T/server.log" ||
	fail "openvpn found the options strings inconsistent (OCC)"
echo "PASS: $CASE"
