#!/usr/bin/env bash
# SIGHUP (and SIGUSR1) of a SERVER under a manager, dcovpn against
# openvpn 2.6 on the same config: the manager stays connected and sees
# RECONNECTING,SIGHUP then ASSIGN_IP and CONNECTED, for "signal SIGHUP"
# and a SIGHUP from outside (dcovpn applies it in place, keeping its
# clients: the manager must not see a difference), and for SIGUSR1 (a
# restart for both). Then with management-hold: the restart holds again.
# The lines must be the same apart from times; of the >LOG lines, those
# saying what the signal did (where dcovpn applies a SIGHUP in place it
# logs that, not OpenVPN's "process restarting").
. "$(dirname "$0")/server_lib.bash"
MC=$LIB_DIR/mgmt_client.py
ns_setup 1
pki_make
server_conf udp crypt "management $T/s.sock unix"
client_conf 1 udp crypt

# run_server KIND CONF: KIND's server on CONF, in the background
run_server() {
	local bin=$DCOVPN
	[ "$1" = openvpn ] && bin=/usr/sbin/openvpn
	rm -f "$T/s.sock" "$T/server-$1.log"
	ip netns exec "$NS_S" "$bin" --config "$2" >"$T/server-$1.log" 2>&1 &
	SRV_PID=$!
}

# one_side KIND: the manager's lines in $T/KIND.mgmt, then KIND-hold.mgmt
one_side() {
	local kind=$1
	run_server "$kind" "$T/server.conf"
	start_client 1 openvpn26
	wait_client 1
	in_s timeout 60 python3 "$MC" "$T/s.sock" \
		"send:state on" "expect:^SUCCESS: real-time state notification set to ON" \
		"send:log on" "expect:^SUCCESS: real-time log notification set to ON" \
		"send:signal SIGHUP" "expect:^SUCCESS: signal SIGHUP thrown" \
		"expect:^>STATE:[0-9]+,RECONNECTING,SIGHUP" "expect:^>STATE:[0-9]+,CONNECTED,SUCCESS" \
		"run:kill -HUP $SRV_PID" \
		"expect:^>STATE:[0-9]+,RECONNECTING,SIGHUP" "expect:^>STATE:[0-9]+,CONNECTED,SUCCESS" \
		"send:signal SIGUSR1" "expect:^SUCCESS: signal SIGUSR1 thrown" \
		"expect:^>STATE:[0-9]+,RECONNECTING,SIGUSR1" "expect:^>STATE:[0-9]+,CONNECTED,SUCCESS" \
		"send:state" "expect:^END" \
		>"$T/$kind.mgmt" 2>&1 || { cat "$T/$kind.mgmt"; fail "$kind server: manager steps"; }
	stop_pid "${CLI_PIDS[1]}"
	stop_pid "$SRV_PID"
	cp "$T/server-$kind.log" "$T/server-$kind-1.log"
	sed '$a management-hold' "$T/server.conf" >"$T/server-hold.conf"
	run_server "$kind" "$T/server-hold.conf"
	in_s timeout 60 python3 "$MC" "$T/s.sock" \
		"expect:^>HOLD:Waiting for hold release:0" \
		"send:state on" "expect:^SUCCESS: real-time state notification set to ON" \
		"send:hold release" "expect:^SUCCESS: hold release succeeded" \
		"expect:^>STATE:[0-9]+,CONNECTED,SUCCESS" \
		"send:signal SIGHUP" "expect:^SUCCESS: signal SIGHUP thrown" \
		"expect:^>STATE:[0-9]+,RECONNECTING,SIGHUP" "expect:^>HOLD:" \
		"send:hold release" "expect:^SUCCESS: hold release succeeded" \
		"expect:^>STATE:[0-9]+,CONNECTED,SUCCESS" \
		"send:signal SIGTERM" "expect:^>STATE:[0-9]+,EXITING," \
		>"$T/$kind-hold.mgmt" 2>&1 || { cat "$T/$kind-hold.mgmt"; fail "$kind server: hold steps"; }
	wait_for 10 sh -c "! kill -0 $SRV_PID 2>/dev/null" || fail "$kind server did not exit"
}

one_side openvpn
one_side dcovpn
[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*.mgmt "$KEEP_LOGS"/

norm() {
	grep -v '^< >LOG:' "$1" | sed -E -e 's/^< >STATE:[0-9]+,/< >STATE:T,/' \
		-e 's/^< [0-9]{9,},/< T,/'
	# what a restart logs (a SIGHUP applied in place says so instead)
	grep -E '^< >LOG:[0-9]+,[A-Z]?,SIG(HUP|USR1)\[' "$1" | sed -E 's/^< >LOG:[0-9]+,/< >LOG:T,/' |
		{ [[ $1 == *-hold* ]] && cat || grep -v SIGHUP; }
}
for f in "" -hold; do
	diff -u <(norm "$T/openvpn$f.mgmt") <(norm "$T/dcovpn$f.mgmt") >"$T/diff" || {
		cat "$T/diff"
		fail "the manager saw different lines${f:+ (management-hold)} (openvpn ---, dcovpn +++)"
	}
done
grep -q "configuration reloaded in place" "$T/server-dcovpn-1.log" ||
	fail "dcovpn did not apply the SIGHUP in place"
log "$(norm "$T/dcovpn.mgmt" | grep -c '^<') lines through two SIGHUPs and a SIGUSR1, $(norm "$T/dcovpn-hold.mgmt" | grep -c '^<') with management-hold: identical to openvpn's apart from times"
echo "PASS: $CASE"
