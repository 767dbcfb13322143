#!/usr/bin/env bash
# The dcovpn server on SIGHUP: it reads its configuration again; a push
# line added meanwhile applies in place (daemon/server_reload.h) while the
# server stays up: the openvpn 2.6 client is told to reconnect (RESTART)
# and comes back with the new route, the dcovpn client gets it as a
# PUSH_UPDATE. Then max-clients: one client more than
# allowed is turned away, the others carry on, and once one leaves the
# newcomer gets in. connect-freq: a fourth new client within the window is
# refused.
. "$(dirname "$0")/server_lib.bash"
ns_setup 3
pki_make
server_conf udp auth "explicit-exit-notify 1" "max-clients 2" "connect-freq 3 120"
client_conf 1 udp auth
client_conf 2 udp auth "explicit-exit-notify 1"
client_conf 3 udp auth "connect-retry 1 1" "hand-window 5" "explicit-exit-notify 1"
start_server
start_pair
for i in 1 2; do wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i: no ping"; done

echo 'push "route 198.18.79.0 255.255.255.0"' >>"$T/server.conf"
kill -HUP "$SRV_PID"
wait_for 10 grep -q "configuration reloaded in place (1 clients kept, 1 updated by PUSH_UPDATE, 1 told to reconnect" \
	"$T/server.log" || fail "server did not reload on SIGHUP"
# the openvpn 2.6 client reconnects; the dcovpn client takes a PUSH_UPDATE
wait_for 40 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '${CLI_LOG[1]}') -ge 2 ]" ||
	fail "c1 did not reconnect after the server's SIGHUP"
grep -q "PUSH_UPDATE,route 198.18.79.0 255.255.255.0" "${CLI_LOG[2]}" || fail "c2 got no PUSH_UPDATE"
for i in 1 2; do
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i: no ping after SIGHUP"
	wait_for 5 sh -c "ip netns exec sv-$$-c$i ip -4 route show | grep '^198\.18\.79\.0/24 .*dev tun' >/dev/null" ||
		{ in_c "$i" ip -4 route show; fail "c$i lacks the route added to the config before SIGHUP"; }
done
log "both clients have the new route after SIGHUP (c1 reconnected, c2 updated)"

# max-clients 2: the third is turned away, the two keep working
start_client 3 openvpn
wait_for 20 grep -q "would exceed maximum number of clients (2)" "$T/server.log" ||
	fail "third client not refused for max-clients"
grep -q "Initialization Sequence Completed" "${CLI_LOG[3]}" && fail "third client got in"
for i in 1 2; do in_c "$i" ping -c1 -W2 "$TUN4_S" >/dev/null || fail "c$i hurt by the refusal"; done
stop_pid "${CLI_PIDS[2]}"             # dcovpn, explicit-exit-notify: leaves at once
wait_client 3
wait_for 15 in_c 3 ping -c1 -W1 "$TUN4_S" || fail "c3: no ping once a place was free"
grep -q "connect-freq" "$T/server.log" && fail "connect-freq refused one of the first three"

# connect-freq 3 120: c1's reconnect and c3 are the first two new clients
# since the reload (the window starts anew, as at a restart); c3 leaving
# and coming back is the third, and once more the fourth is refused
stop_pid "${CLI_PIDS[3]}"
mv "${CLI_LOG[3]}" "$T/c3-first.log"
start_client 3 openvpn
wait_client 3
grep -q "connect-freq" "$T/server.log" && fail "connect-freq refused the third"
stop_pid "${CLI_PIDS[3]}"
mv "${CLI_LOG[3]}" "$T/c3-second.log"
start_client 3 openvpn
wait_for 20 grep -q "connection rate limit (connect-freq 3 120) exceeded" "$T/server.log" ||
	fail "the fourth new client within 120 s was not refused"
echo "PASS: $CASE"
