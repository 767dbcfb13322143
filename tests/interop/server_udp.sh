#!/usr/bin/env bash
# dcovpn as a UDP server (tls-auth, topology subnet, client-to-client):
# three Debian openvpn 2.6 clients and two dcovpn clients at once. Each
# pings the server and one another, carries a transfer with matching
# SHA-256 (all at the same time); the status file lists all five; one
# openvpn client leaves with explicit-exit-notify and is removed at once.
. "$(dirname "$0")/server_lib.bash"
MB=${MB:-20}
ns_setup 5
pki_make
# Default tun-mtu 1500 on purpose: the engine's mssfix clamp keeps TCP
# segments under the link MTU; anything bigger leaves as IP fragments.
server_conf udp auth "client-to-client" 'push "route 198.19.99.0 255.255.255.0"'
for i in 1 2 3; do client_conf "$i" udp auth "explicit-exit-notify 1" disable-dco; done
for i in 4 5; do client_conf "$i" udp auth; done
start_server
for i in 1 2 3; do start_client "$i" openvpn; done
for i in 4 5; do start_client "$i" dcovpn; done
for i in 1 2 3 4 5; do wait_client "$i"; done
log "all 5 clients up"
for i in 1 2 3 4 5; do
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i -> server ping"
	wait_for 10 in_c "$i" ping -6 -c1 -W1 "$TUN6_S" || fail "c$i -> server IPv6 ping"
done
# client-to-client: each pings the next one's tunnel address
for i in 1 2 3 4 5; do
	j=$((i % 5 + 1))
	a=$(client_tun4 "$j")
	in_c "$i" ping -c2 -i0.2 -W2 "$a" >/dev/null || fail "c$i -> c$j ($a) ping"
done
log "pings ok (server and client-to-client)"
pids=()
for i in 1 2 3 4 5; do
	xfer_up "$i" "$MB" $((6000 + i)) >"$T/xfer$i.res" 2>&1 &
	pids+=($!)
done
for i in 1 2 3 4 5; do
	wait "${pids[$((i - 1))]}" || { cat "$T/xfer$i.res"; fail "transfer from c$i"; }
done
log "5 concurrent transfers of $MB MB up: SHA-256 match"
xfer_down 4 "$MB" 6100 || fail "transfer down to c4"
xfer_down 1 "$MB" 6101 || fail "transfer down to c1"
# the status file (interval 1 s) lists every client
wait_for 5 status_has "^CLIENT_LIST,cli5," || fail "status lacks cli5"
status_valid 2 || fail "status file (version 2) malformed"
for i in 1 2 3 4 5; do status_has "^CLIENT_LIST,cli$i,198\.18\.66\.$((10 + i)):" || fail "status lacks cli$i"; done
# explicit-exit-notify: c1 goes, the server drops it at once
stop_pid "${CLI_PIDS[1]}"
wait_for 3 grep -q "cli1/.*remote-exit" "$T/server.log" || fail "c1 exit not seen by the server"
wait_for 3 bash -c "! grep -q '^CLIENT_LIST,cli1,' '$T/status'" || fail "c1 still in status"
echo "PASS: $CASE"
