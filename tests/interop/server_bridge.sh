#!/usr/bin/env bash
# dcovpn as a bridging server: dev tap0 with `server-bridge GW MASK START
# END`, the tap joined to a bridge holding the LAN address 198.19.66.1 (as
# an admin's bridge-start script would); two Debian openvpn 2.6 tap
# clients get addresses from the pool and the route-gateway push, ARP the
# bridge's address through the tunnel, ping it and carry a transfer each
# way. Then `server-bridge` without arguments: no pool, "route-gateway
# dhcp" pushed, as OpenVPN's helper.c.
. "$(dirname "$0")/server_lib.bash"
MB=${MB:-10}
BRT=svt$$
client_tun4() {
	in_c "$1" ip -4 -o addr show | awk '$2 ~ /^tap/ { split($4, a, "/"); print a[1] }' | head -n1
}
ns_setup 2
pki_make
server_conf udp crypt "server-bridge $TUN4_S 255.255.255.0 198.19.66.128 198.19.66.254"
sed -i 's/^dev tun$/dev tap0/; /^topology /d; /^server /d; /^server-ipv6 /d' "$T/server.conf"
for i in 1 2; do client_conf "$i" udp crypt "dev tap"; done
start_server
in_s ip -4 -o addr show dev tap0 | grep -q inet && fail "server-bridge put an address on the tap"
in_s ip link add "$BRT" type bridge
in_s ip addr add "$TUN4_S/24" dev "$BRT"
in_s ip link set tap0 master "$BRT"
in_s ip link set "$BRT" up
start_client 1 openvpn
start_client 2 openvpn
for i in 1 2; do wait_client "$i"; done
grep -q "route-gateway $TUN4_S" "${CLI_LOG[1]}" || fail "no route-gateway $TUN4_S pushed"
for i in 1 2; do
	a=$(client_tun4 "$i")
	case $a in 198.19.66.1[2-9][0-9] | 198.19.66.2[0-5][0-9]) ;;
	*) fail "c$i: address '$a' is not from the pool" ;;
	esac
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i -> bridge ping"
	in_c "$i" ping -c3 -i0.2 -W2 "$TUN4_S" >/dev/null || fail "c$i -> bridge pings lost"
	in_c "$i" ip neigh show "$TUN4_S" | grep -qi "lladdr $(in_s cat /sys/class/net/$BRT/address)" ||
		fail "c$i did not resolve the bridge's MAC by ARP"
done
xfer_up 1 "$MB" 6001 || fail "transfer up from c1"
xfer_down 1 "$MB" 6101 || fail "transfer down to c1"
log "bridged: pool addresses, ARP, pings, $MB MB each way"
stop_pid "$SRV_PID"
for i in 1 2; do stop_pid "${CLI_PIDS[$i]}"; done
sed -i 's/^server-bridge .*/server-bridge/' "$T/server.conf"
rm -f "$T/server.log" "${CLI_LOG[1]}"	# no line of the first run may count
start_server
start_client 1 openvpn
wait_for 20 grep -q "PUSH_REPLY" "${CLI_LOG[1]}" || fail "no push reply for server-bridge"
grep "PUSH_REPLY" "${CLI_LOG[1]}" | grep -q "route-gateway dhcp" ||
	fail "server-bridge: no route-gateway dhcp pushed"
! grep "PUSH_REPLY" "${CLI_LOG[1]}" | grep -q "ifconfig " ||
	fail "server-bridge without a pool pushed an ifconfig"
log "server-bridge (no arguments): route-gateway dhcp, no ifconfig"
echo "PASS: $CASE"
