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
# Last Ref is each client's own: it moves to the present while cli2 pings,
# and never runs ahead of the file's TIME
last_ref_fresh() {
	awk -F, '$1 == "TIME" { now = $3 }
		 $1 == "ROUTING_TABLE" && $3 == "cli2" && $2 ~ /\./ { ref = $6 }
		 END { exit !(now && ref && ref >= now - 1 && ref <= now) }' "$T/status"
}
in_c 2 ping -c 40 -i 0.1 -q "$TUN4_S" >/dev/null 2>&1 &
BG_PIDS+=($!)
wait_for 5 last_ref_fresh || { grep -E "^(TIME|ROUTING_TABLE)" "$T/status"; fail "cli2's Last Ref does not follow its traffic"; }
awk -F, '$1 == "TIME" { now = $3 } $1 == "ROUTING_TABLE" && $6 > now { bad = 1 } END { exit bad }' "$T/status" ||
	fail "a Last Ref in the future"
# ... and stays where it was once cli2 falls silent
last_ref_lags() {
	awk -F, '$1 == "TIME" { now = $3 }
		 $1 == "ROUTING_TABLE" && $3 == "cli2" && $2 ~ /\./ { ref = $6 }
		 END { exit !(now && ref && now - ref >= 2) }' "$T/status"
}
wait "${BG_PIDS[-1]}" 2>/dev/null || true
wait_for 8 last_ref_lags || { grep -E "^(TIME|ROUTING_TABLE)" "$T/status"; fail "cli2's Last Ref is not its last packet"; }
# explicit-exit-notify: c1 goes, the server drops it at once
stop_pid "${CLI_PIDS[1]}"
wait_for 3 grep -q "cli1/.*remote-exit" "$T/server.log" || fail "c1 exit not seen by the server"
wait_for 3 bash -c "! grep -q '^CLIENT_LIST,cli1,' '$T/status'" || fail "c1 still in status"
echo "PASS: $CASE"
