#!/usr/bin/env bash
# UDP/IPv4, tls-crypt: the server restarts (its explicit-exit-notify sends
# RESTART); dcovpn reconnects and carries traffic again. Then dcovpn stops
# on SIGTERM with explicit-exit-notify, and the server sees it leave.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 crypt
client_conf udp 4 crypt "explicit-exit-notify 1"
start_server
start_client
ping_both
kill -TERM "$SRV_PID"
wait_for 10 grep -q "Received control message: 'RESTART" "$T/client.log" ||
	fail "dcovpn did not get RESTART from the exiting server"
stop_pid "$SRV_PID"
mv "$T/server.log" "$T/server-1.log"
start_server
wait_for 40 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/client.log') -ge 2 ]" ||
	fail "dcovpn did not reconnect"
ping_both
transfer "${MB:-5}" up
kill -TERM "$CLI_PID"
wait_for 10 sh -c "! kill -0 $CLI_PID" || fail "dcovpn did not exit on SIGTERM"
CLI_PID=
wait_for 10 grep -qE "received EXIT|exit notification|CC-EXIT|SIGTERM.*client-instance exiting|Connection reset" "$T/server.log" ||
	fail "the server did not notice the client leaving"
echo "PASS: $CASE"
