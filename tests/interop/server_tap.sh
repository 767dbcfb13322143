#!/usr/bin/env bash
# dcovpn as a dev tap server (`server` in tap mode, client-to-client): two
# Debian openvpn 2.6 clients and one dcovpn client, all dev tap. The engine
# learns each client's MAC: ARP resolves between two clients through the
# server (each holds the other's tap MAC), pings client to server and
# client to client, a transfer each way between the server and a client.
# The server runs 4 engine threads, each with its own queue of the
# multi-queue tap (more threads than this machine's CPUs).
. "$(dirname "$0")/server_lib.bash"
MB=${MB:-10}
# the tunnel address of client I, on its tap
client_tun4() {
	in_c "$1" ip -4 -o addr show | awk '$2 ~ /^tap/ { split($4, a, "/"); print a[1] }' | head -n1
}
tap_mac() { # I: client I's tap MAC
	in_c "$1" ip -o link show | awk '$2 ~ /^tap/ { for (i = 1; i < NF; i++) if ($i == "link/ether") print $(i + 1) }' | head -n1
}
ns_setup 3
pki_make
server_conf udp crypt "client-to-client"
sed -i 's/^dev tun$/dev tap/; /^topology /d; /^server-ipv6 /d' "$T/server.conf"
for i in 1 2; do client_conf "$i" udp crypt "dev tap"; done
client_conf 3 udp crypt "dev tap"
DCOVPN_ENGINE_THREADS=4 start_server
grep -q "TUN/TAP device tap[0-9]* opened" "$T/server.log" || fail "the server opened no tap"
grep -q "tap[0-9]*: mtu [0-9]*, 4 engine threads" "$T/server.log" ||
	fail "the server did not start 4 engine threads"
! grep "engine threads have a tun queue" "$T/server.log" ||
	fail "not every engine thread has a queue of the tap"
start_client 1 openvpn
start_client 2 openvpn
start_client 3 dcovpn
for i in 1 2 3; do wait_client "$i"; done
log "3 tap clients up"
for i in 1 2 3; do
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i -> server ping"
done
for i in 1 2 3; do
	j=$((i % 3 + 1))
	a=$(client_tun4 "$j")
	[ -n "$a" ] || fail "c$j has no address on its tap"
	wait_for 10 in_c "$i" ping -c1 -W1 "$a" || fail "c$i -> c$j ($a) ping"
	in_c "$i" ping -c3 -i0.2 -W2 "$a" >/dev/null || fail "c$i -> c$j ($a) pings lost"
	in_c "$i" ip neigh show "$a" | grep -qi "lladdr $(tap_mac "$j")" ||
		fail "c$i did not resolve c$j's MAC by ARP through the server"
done
log "ARP and pings between clients (client-to-client at layer 2)"
for i in 1 3; do
	xfer_up "$i" "$MB" $((6000 + i)) || fail "transfer up from c$i"
	xfer_down "$i" "$MB" $((6100 + i)) || fail "transfer down to c$i"
done
log "$MB MB up and down for c1 (openvpn) and c3 (dcovpn): SHA-256 match"
echo "PASS: $CASE"
