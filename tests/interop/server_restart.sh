#!/usr/bin/env bash
# A client that restarts from the same address and port (openvpn 2.6 with
# --bind --lport, SIGUSR1) gets a new session at once: the dcovpn server
# answers the new reset statelessly and replaces the old instance.
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
server_conf udp auth "tun-mtu 1400"
client_conf 1 udp auth disable-dco "tun-mtu 1400" "lport 41194" bind
sed -i '/^nobind$/d' "$T/c1.conf"
start_server
start_client 1 openvpn
wait_client 1
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "ping"
kill -USR1 "${CLI_PIDS[1]}"
wait_for 20 bash -c "[ \$(grep -c 'Initialization Sequence Completed' '${CLI_LOG[1]}') -ge 2 ]" ||
	fail "client did not come back after SIGUSR1"
grep -q "new session from the same address" "$T/server.log" || fail "old instance not replaced"
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "ping after the restart"
[ "$(grep -c '^CLIENT_LIST,cli1,' "$T/status")" -le 1 ] || true
sleep 1.2
[ "$(grep -c '^CLIENT_LIST,' "$T/status")" -eq 1 ] || fail "status lists $(grep -c '^CLIENT_LIST,' "$T/status") clients"
echo "PASS: $CASE"
