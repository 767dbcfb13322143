#!/usr/bin/env bash
# SIGHUP of a CLIENT under a manager, dcovpn against openvpn 2.6 on the
# same config (management-hold, a unix socket): the manager stays
# connected through the restart and sees RECONNECTING,SIGHUP, the hold
# again and the states of the new connection, for the "signal SIGHUP"
# command and for a SIGHUP from outside, as NetworkManager's plugin and
# openvpn-gui follow them. The lines must be the same apart from times
# and addresses; of the >LOG lines, those saying what the signals did (the last
# SIGTERM's: SIGTERM[soft,exit-with-notification], before EXITING).
. "$(dirname "$0")/server_lib.bash"
MC=$LIB_DIR/mgmt_client.py
ns_setup 1
pki_make
server_conf udp crypt
client_conf 1 udp crypt "management $T/c.sock unix" "management-hold" \
	"explicit-exit-notify 1"
start_server

# one_side KIND: KIND's client reloaded twice; the manager's lines in
# $T/KIND.mgmt
one_side() {
	local kind=$1
	rm -f "$T/c.sock"
	start_client 1 "$kind"
	in_c 1 timeout 60 python3 "$MC" "$T/c.sock" \
		"expect:^>HOLD:Waiting for hold release:0" \
		"send:state on" "expect:^SUCCESS: real-time state notification set to ON" \
		"send:log on" "expect:^SUCCESS: real-time log notification set to ON" \
		"send:hold release" "expect:^SUCCESS: hold release succeeded" \
		"expect:^>STATE:[0-9]+,CONNECTED,SUCCESS" \
		"send:signal SIGHUP" "expect:^SUCCESS: signal SIGHUP thrown" \
		"expect:^>STATE:[0-9]+,RECONNECTING,SIGHUP" "expect:^>HOLD:" \
		"send:hold release" "expect:^SUCCESS: hold release succeeded" \
		"expect:^>STATE:[0-9]+,CONNECTED,SUCCESS" \
		"run:kill -HUP ${CLI_PIDS[1]}" \
		"expect:^>STATE:[0-9]+,RECONNECTING,SIGHUP" "expect:^>HOLD:" \
		"send:hold release" "expect:^SUCCESS: hold release succeeded" \
		"expect:^>STATE:[0-9]+,CONNECTED,SUCCESS" \
		"send:state" "expect:^END" \
		"send:signal SIGTERM" "expect:^>STATE:[0-9]+,EXITING," \
		>"$T/$kind.mgmt" 2>&1 || { cat "$T/$kind.mgmt"; fail "$kind client: manager steps"; }
	wait_for 10 sh -c "! kill -0 ${CLI_PIDS[1]} 2>/dev/null" || fail "$kind client did not exit"
	wait_for 10 sh -c "! grep -q '^CLIENT_LIST' '$T/status'" || fail "$kind client still listed"
}

one_side openvpn
one_side dcovpn
[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*.mgmt "$KEEP_LOGS"/

# times and the pool address (each connection takes the next) apart; of
# the log, the lines that say what SIGHUP and the last SIGTERM did
norm() {
	grep -v '^< >LOG:' "$1" | sed -E -e 's/^< >STATE:[0-9]+,/< >STATE:T,/' \
		-e 's/^< [0-9]{9,},/< T,/' -e 's/198\.19\.66\.[0-9]+/A4/g' \
		-e 's/fd00:67::[0-9a-f]+/A6/g'
	grep -E '^< >LOG:[0-9]+,[A-Z]?,SIG(HUP|TERM)\[' "$1" | sed -E 's/^< >LOG:[0-9]+,/< >LOG:T,/'
}
diff -u <(norm "$T/openvpn.mgmt") <(norm "$T/dcovpn.mgmt") >"$T/diff" || {
	cat "$T/diff"
	fail "the manager saw different lines (openvpn ---, dcovpn +++)"
}
n=$(grep -c 'RECONNECTING,SIGHUP' "$T/dcovpn.mgmt")
[ "$n" = 2 ] || fail "RECONNECTING,SIGHUP $n times, not 2"
log "$(norm "$T/dcovpn.mgmt" | grep -c '^<') lines received through two SIGHUPs, identical to openvpn's apart from times and addresses"
echo "PASS: $CASE"
