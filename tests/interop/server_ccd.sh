#!/usr/bin/env bash
# dcovpn UDP server with client-config-dir (ccd-exclusive) and a short
# keepalive: a ccd file gives cli1 (openvpn 2.6) a fixed address and an
# iroute the server reaches through it; "disable" refuses cli2; cli3 has
# no file and is refused (ccd-exclusive); cli4 (dcovpn) gets a pushed route
# from its file, and push-remove takes one of the server's pushes away
# from it. cli5 (openvpn) from the pool is killed without notice,
# reaped after the keepalive timeout, and gets its address back.
. "$(dirname "$0")/server_lib.bash"
ns_setup 5
pki_make
mkdir -p "$T/ccd"
cat >"$T/ccd/cli1" <<X
ifconfig-push 198.19.66.50 255.255.255.0
iroute 198.19.77.0 255.255.255.0
X
echo disable >"$T/ccd/cli2"
printf '%s\n' 'push "route 198.19.88.0 255.255.255.0"' 'push-remove 198.19.89.' >"$T/ccd/cli4"
echo '# pool address' >"$T/ccd/cli5"
server_conf udp none "tun-mtu 1400" "client-config-dir $T/ccd" ccd-exclusive \
	"route 198.19.77.0 255.255.255.0" 'push "route 198.19.89.0 255.255.255.0"' \
	'push "route 198.19.90.0 255.255.255.0"'
sed -i 's/^keepalive 10 120/keepalive 1 3/' "$T/server.conf"
sed -i "s|^ifconfig-pool-persist .*|ifconfig-pool-persist $T/ipp.txt 1|" "$T/server.conf"
for i in 1 2 3 5; do client_conf "$i" udp none disable-dco "tun-mtu 1400"; done
client_conf 4 udp none "tun-mtu 1400"
start_server
start_client 1 openvpn
start_client 4 dcovpn
start_client 5 openvpn
start_client 2 openvpn
start_client 3 openvpn
for i in 1 4 5; do wait_client "$i"; done
[ "$(client_tun4 1)" = 198.19.66.50 ] || fail "cli1 has $(client_tun4 1), not its ccd address"
in_c 1 ip addr add 198.19.77.1/32 dev lo
wait_for 10 in_s ping -c1 -W1 198.19.77.1 || fail "iroute 198.19.77.0/24 via cli1 unreachable"
log "ccd ifconfig-push and iroute ok"
wait_for 10 grep -q "cli2/.*disabled" "$T/server.log" || fail "cli2 not refused"
wait_for 10 grep -q "cli3/.*not found (--ccd-exclusive)" "$T/server.log" || fail "cli3 not refused"
wait_for 10 grep -q "AUTH_FAILED" "${CLI_LOG[2]}" || fail "cli2 did not get AUTH_FAILED"
grep -q "Initialization Sequence Completed" "${CLI_LOG[2]}" "${CLI_LOG[3]}" && fail "a refused client came up"
log "disable and ccd-exclusive refuse"
wait_for 5 ip netns exec "sv-$$-c4" ip route show 198.19.88.0/24 | grep tun >/dev/null || true
in_c 4 ip route show | grep "198.19.88.0/24" >/dev/null ||
	fail "cli4 lacks its ccd-pushed route; its routes: $(in_c 4 ip route show 2>&1 | tr "\n" ";")"
# push-remove in cli4's ccd file takes out one of the server's pushes
in_c 4 ip route show | grep "198.19.89.0/24" >/dev/null && fail "push-remove: cli4 still got 198.19.89.0/24"
in_c 4 ip route show | grep "198.19.90.0/24" >/dev/null || fail "push-remove took more than it matched"
in_c 5 ip route show | grep "198.19.89.0/24" >/dev/null || fail "cli5 (no push-remove) lacks 198.19.89.0/24"
log "push-remove ok"
a5=$(client_tun4 5)
wait_for 10 in_c 5 ping -c1 -W1 "$TUN4_S" || fail "cli5 ping"
wait_for 5 grep -q "^cli5,$a5," "$T/ipp.txt" || fail "ifconfig-pool-persist file lacks cli5"
kill -KILL "${CLI_PIDS[5]}"
t0=$SECONDS
wait_for 15 grep -q "cli5/.*Inactivity timeout" "$T/server.log" || fail "cli5 not reaped"
log "cli5 reaped after $((SECONDS - t0)) s (keepalive 1 3: server timeout 6 s)"
wait_for 3 bash -c "! grep -q '^CLIENT_LIST,cli5,' '$T/status'" || fail "cli5 still in status"
ip netns exec "sv-$$-c5" ip link del tun0 2>/dev/null || true
rm -f "${CLI_LOG[5]}"
start_client 5 openvpn
wait_client 5
[ "$(client_tun4 5)" = "$a5" ] || fail "cli5 came back with $(client_tun4 5), not $a5"
log "cli5 back with its pool address $a5"
echo "PASS: $CASE"
