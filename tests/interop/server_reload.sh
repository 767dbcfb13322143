#!/usr/bin/env bash
# SIGHUP without dropping anyone: a dcovpn server with three openvpn 2.6
# clients and a dcovpn client, each sending a counted stream of pings
# (200, 50 ms apart) through the tunnel. Meanwhile the configuration gains
# a second UDP socket (a local line) and cli3's client-config-dir file
# gains a route, and the server's own route lines change; SIGHUP. The
# server reloads in place (its routes follow): the clients whose
# settings did not change lose not one ping, cli3 is told to reconnect and
# comes back with its new route, a new client gets in on the new socket.
# Then the same clients against openvpn 2.6 as the server on the same
# configuration (without the 2.7 local line): its SIGHUP restarts and the
# untouched clients lose pings; both counts are printed. Last, a change
# that cannot apply in place (a tun-mtu line) restarts dcovpn as 2.6.
. "$(dirname "$0")/server_lib.bash"
NPING=200
ns_setup 5
pki_make
mkdir -p "$T/ccd"
echo 'push "route 198.18.91.0 255.255.255.0"' >"$T/ccd/cli3"
server_conf udp crypt "explicit-exit-notify 1" "client-config-dir $T/ccd" \
	"route 198.18.97.0 255.255.255.0" "route 198.18.99.0 255.255.255.0"
for i in 1 2 3 4; do client_conf "$i" udp crypt disable-dco; done
client_conf 5 udp crypt disable-dco
sed -i "s/^remote $UL4_S 1194/remote $UL4_S 1195/" "$T/c5.conf"
kind=(- openvpn openvpn openvpn dcovpn)

# pings I: client I's counted stream to the server, in the background
pings() {
	in_c "$1" ping -q -n -i 0.05 -W 1 -c "$NPING" "$TUN4_S" >"$T/ping$1.out" 2>&1 &
	PING_PIDS[$1]=$!
}
# received I: how many of the stream came back (waits for its end)
received() {
	local i=$1 n
	for n in $(seq 150); do kill -0 "${PING_PIDS[$i]}" 2>/dev/null || break; sleep 0.1; done
	wait "${PING_PIDS[$i]}" 2>/dev/null
	sed -n 's/.* \([0-9]*\) received.*/\1/p' "$T/ping$i.out"
}
# up SERVER-KIND: clients 1-4 connected and answering
clients_up() {
	for i in 1 2 3 4; do start_client "$i" "${kind[$i]}"; done
	for i in 1 2 3 4; do wait_client "$i"; done
	for i in 1 2 3 4; do wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i ping"; done
}
stop_clients() {
	for i in 1 2 3 4 5; do stop_pid "${CLI_PIDS[$i]:-}"; CLI_PIDS[$i]=; done
}

# ---- dcovpn: SIGHUP in place ----
# a first local line (the socket is the same as without it)
echo "local $UL4_S" >>"$T/server.conf"
start_server
clients_up
wait_for 10 sh -c "ip netns exec sv-$$-c3 ip -4 route show | grep -q '^198\.18\.91\.0/24'" || fail "c3 lacks its ccd route"
for i in 1 2 3 4; do pings "$i"; done
sleep 2
echo "local $UL4_S 1195 udp4" >>"$T/server.conf"
# the server's routes: one goes, one stays, two come
sed -i '/^route 198.18.97.0 255.255.255.0$/d' "$T/server.conf"
printf 'route 198.18.98.0 255.255.255.0\nroute-ipv6 fd00:98::/64\n' >>"$T/server.conf"
echo 'push "route 198.18.92.0 255.255.255.0"' >>"$T/ccd/cli3"
kill -HUP "$SRV_PID"
wait_for 5 grep -q "configuration reloaded in place (3 clients kept, 0 updated by PUSH_UPDATE, 1 told to reconnect, 1 new sockets)" \
	"$T/server.log" || fail "server did not reload in place"
grep -q "SIGHUP\[hard,\] received, process restarting" "$T/server.log" && fail "server restarted"
for i in 1 2 4; do
	got=$(received "$i")
	[ "$got" = "$NPING" ] || { cat "$T/ping$i.out"; fail "c$i lost pings at the reload: $got of $NPING back"; }
done
log "dcovpn SIGHUP: c1, c2 (openvpn 2.6), c4 (dcovpn): $NPING of $NPING pings each, none lost"
srv_route() { in_s ip -o "$1" route show "$2" | grep -q "dev tun"; }
srv_route -4 198.18.98.0/24 && srv_route -4 198.18.99.0/24 && srv_route -6 fd00:98::/64 ||
	{ in_s ip route; in_s ip -6 route; fail "server routes not added/kept at the reload"; }
! srv_route -4 198.18.97.0/24 || fail "the removed route is still there"
log "server routes: 198.18.97.0/24 gone, 198.18.99.0/24 kept, 198.18.98.0/24 and fd00:98::/64 added"
received 3 >/dev/null
wait_for 30 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '${CLI_LOG[3]}') -ge 2 ]" ||
	fail "c3 did not reconnect after its ccd file changed"
grep -q "server-pushed-connection-reset" "${CLI_LOG[3]}" || fail "c3 was not told RESTART"
wait_for 10 sh -c "ip netns exec sv-$$-c3 ip -4 route show | grep -q '^198\.18\.92\.0/24'" ||
	fail "c3 lacks the route added to its ccd file"
for i in 1 2 4; do
	[ "$(grep -c 'Initialization Sequence Completed' "${CLI_LOG[$i]}")" = 1 ] ||
		fail "c$i reconnected"
done
start_client 5 openvpn
wait_client 5
wait_for 15 in_c 5 ping -c1 -W1 "$TUN4_S" || fail "c5 (on the new socket) ping"
log "c3 back with its new ccd route; c5 in on the socket the reload opened"

# ---- a change that cannot apply in place: restart, as 2.6 ----
echo "tun-mtu 1500" >>"$T/server.conf"
kill -HUP "$SRV_PID"
wait_for 10 grep -q "SIGHUP: 'tun-mtu' changed: a restart is needed" "$T/server.log" ||
	fail "a tun-mtu change did not restart"
wait_for 15 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/server.log') -ge 2 ]" ||
	fail "server did not come back after the restart"
stop_clients
stop_pid "$SRV_PID"
mv "$T/server.log" "$T/server-dcovpn.log"

# ---- openvpn 2.6 as the server, same configuration without 2.7's local ----
sed -i "/^local $UL4_S 1195 udp4\$/d; /^tun-mtu 1500\$/d" "$T/server.conf"
for i in 1 2 3 4; do mv "${CLI_LOG[$i]}" "$T/c$i-first.log"; done
ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
SRV_PID=$!
wait_for 10 grep -q "Initialization Sequence Completed" "$T/server.log" ||
	fail "openvpn server did not start"
clients_up
for i in 1 2; do pings "$i"; done
sleep 2
kill -HUP "$SRV_PID"
lost=()
for i in 1 2; do lost[$i]=$((NPING - $(received "$i"))); done
log "openvpn 2.6 SIGHUP: c1 lost ${lost[1]}, c2 lost ${lost[2]} of $NPING pings (it restarts: everyone reconnects); dcovpn: 0"
[ "${lost[1]}" -gt 0 ] || fail "openvpn 2.6 lost no ping at SIGHUP? (the comparison proves nothing)"
echo "PASS: $CASE"
