#!/usr/bin/env bash
# Pushed "echo" lines on a CLIENT's management interface, dcovpn against
# openvpn 2.6 on the same config and manager steps (one dcovpn server
# pushing two echo lines): ">ECHO:time,text" with "echo on", the "echo
# all" / "echo 1" history, and the "ECHO-PULL:msg ..." log line; the
# manager's lines must match apart from times.
. "$(dirname "$0")/server_lib.bash"
MC=$LIB_DIR/mgmt_client.py
ns_setup 1
pki_make
server_conf udp crypt 'push "echo msg hello from the server"' 'push "echo forget-passwords"'
client_conf 1 udp crypt "management $T/c.sock unix" "management-hold" \
	"explicit-exit-notify 1"
start_server

one_side() {
	local kind=$1
	rm -f "$T/c.sock"
	start_client 1 "$kind"
	in_c 1 timeout 60 python3 "$MC" "$T/c.sock" \
		"expect:^>HOLD:Waiting for hold release:0" \
		"send:echo all" "expect:^END" \
		"send:echo on" "expect:^SUCCESS: real-time echo notification set to ON" \
		"send:state on" "expect:^SUCCESS: real-time state notification set to ON" \
		"send:hold release" "expect:^SUCCESS: hold release succeeded" \
		"expect:^>ECHO:[0-9]+,msg hello from the server\$" \
		"expect:^>ECHO:[0-9]+,forget-passwords\$" \
		"expect:^>STATE:[0-9]+,CONNECTED," \
		"send:echo all" "expect:^[0-9]+,msg hello from the server\$" \
		"expect:^[0-9]+,forget-passwords\$" "expect:^END" \
		"send:echo 1" "expect:^END" \
		"send:echo off" "expect:^SUCCESS: real-time echo notification set to OFF" \
		"send:echo x" "expect:^ERROR" \
		"send:signal SIGTERM" "expect:^>STATE:[0-9]+,EXITING," \
		>"$T/$kind.mgmt" 2>&1 || { cat "$T/$kind.mgmt"; fail "$kind client: manager steps"; }
	wait_for 10 sh -c "! kill -0 ${CLI_PIDS[1]} 2>/dev/null" || fail "$kind client did not exit"
	wait_for 10 sh -c "! grep -q '^CLIENT_LIST' '$T/status'" || fail "$kind client still listed"
	grep -q "ECHO-PULL:msg hello from the server" "${CLI_LOG[1]}" ||
		fail "$kind: no ECHO-PULL line in its log"
	grep -q "ECHO-PULL:forget" "${CLI_LOG[1]}" && fail "$kind: logged an echo not starting with msg"
	log "$kind: echo lines as expected"
}

one_side openvpn
one_side dcovpn
norm() {
	grep -v '^< >STATE:' "$1" | sed -E -e 's/^< >ECHO:[0-9]+,/< >ECHO:T,/' -e 's/^< [0-9]{9,},/< T,/'
}
diff -u <(norm "$T/openvpn.mgmt") <(norm "$T/dcovpn.mgmt") >"$T/diff" || {
	cat "$T/diff"
	fail "the manager saw different lines (openvpn ---, dcovpn +++)"
}
log "$(grep -c '^<' "$T/dcovpn.mgmt") lines received, identical to openvpn's apart from times and states"
echo "PASS: $CASE"
