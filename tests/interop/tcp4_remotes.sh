#!/usr/bin/env bash
# TCP/IPv4, no wrapping, two remote lines: the first port refuses, dcovpn
# moves on to the second. Then SIGUSR1 (restart) and SIGHUP (re-read the
# config) each reconnect; --log-append and --writepid work.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf tcp 4 none
client_conf tcp 4 none "remote $UL4_S 1194" "connect-retry 1" \
	"log-append $T/client.log" "writepid $T/dcovpn.pid"
sed -i "0,/^remote .*/s//remote $UL4_S 1999/" "$T/client.conf"
start_server
start_client
grep -q "1999" "$T/client.log" || fail "the first remote was not tried"
ping_both
[ "$(cat "$T/dcovpn.pid")" = "$CLI_PID" ] || fail "pid file holds '$(cat "$T/dcovpn.pid")', not $CLI_PID"
count_init() { grep -c 'Initialization Sequence Completed' "$T/client.log"; }
n=$(count_init)
kill -USR1 "$CLI_PID"
wait_for 30 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/client.log') -gt $n ]" ||
	fail "no reconnect after SIGUSR1"
grep -q "SIGUSR1" "$T/client.log" || fail "SIGUSR1 not logged"
ping_both
n=$(count_init)
kill -HUP "$CLI_PID"
wait_for 30 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/client.log') -gt $n ]" ||
	fail "no reconnect after SIGHUP"
ping_both
transfer "${MB:-5}" up
echo "PASS: $CASE"
