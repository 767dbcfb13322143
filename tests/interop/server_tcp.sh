#!/usr/bin/env bash
# dcovpn as a TCP server (tls-crypt, client-to-client): three Debian
# openvpn 2.6 clients and one dcovpn client at once; pings to the server
# and between clients, concurrent transfers with matching SHA-256; a
# client that closes its connection is removed and its address returns.
# The server runs with "user nobody" / "group nogroup" after start-up.
. "$(dirname "$0")/server_lib.bash"
MB=${MB:-20}
ns_setup 4
pki_make
server_conf tcp crypt "client-to-client" "tun-mtu 1400" "user nobody" "group nogroup" \
	"tcp-nodelay"
for i in 1 2 3; do client_conf "$i" tcp crypt disable-dco "tun-mtu 1400"; done
client_conf 4 tcp crypt "tun-mtu 1400"
start_server
for i in 1 2 3; do start_client "$i" openvpn; done
start_client 4 dcovpn
for i in 1 2 3 4; do wait_client "$i"; done
log "all 4 TCP clients up"
for i in 1 2 3 4; do
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i -> server ping"
	j=$((i % 4 + 1))
	a=$(client_tun4 "$j")
	wait_for 10 in_c "$i" ping -c1 -W1 "$a" || fail "c$i -> c$j ($a) ping"
done
log "pings ok (server and client-to-client)"
pids=()
for i in 1 2 3 4; do
	xfer_up "$i" "$MB" $((6000 + i)) >"$T/xfer$i.res" 2>&1 &
	pids+=($!)
done
for i in 1 2 3 4; do
	wait "${pids[$((i - 1))]}" || { cat "$T/xfer$i.res"; fail "transfer from c$i"; }
done
xfer_down 4 "$MB" 6100 || fail "transfer down to c4"
log "4 concurrent TCP transfers of $MB MB up + 1 down: SHA-256 match"
a2=$(client_tun4 2)
stop_pid "${CLI_PIDS[2]}"
wait_for 5 grep -q "cli2/.*Connection reset" "$T/server.log" || fail "c2's end not seen"
wait_for 3 bash -c "! grep -q '^CLIENT_LIST,cli2,' '$T/status'" || fail "c2 still in status"
# user/group: the server runs as nobody, with CAP_NET_ADMIN alone
grep -q "dropped privileges to user nobody, group nogroup" "$T/server.log" || fail "no privilege drop"
for st in /proc/"$SRV_PID"/task/*/status; do
	awk '$1 == "Uid:" && $2 != 65534 { exit 1 }
	     ($1 == "CapEff:" || $1 == "CapPrm:") &&
	     $2 != "0000000000000000" && $2 != "0000000000001000" { exit 1 }' "$st" ||
		{ cat "$st"; fail "a server thread kept root"; }
done
echo "PASS: $CASE"
