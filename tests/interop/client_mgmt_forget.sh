#!/usr/bin/env bash
# management-forget-disconnect and the forget-passwords command on a
# CLIENT, dcovpn against openvpn 2.6 on the same config and manager steps:
# credentials given through management-query-passwords; the manager hangs
# up (so they are forgotten), a second one restarts the tunnel with
# SIGUSR1 and must be asked for them again (without the option they are
# reused silently). The managers' lines must match apart from times.
. "$(dirname "$0")/server_lib.bash"
MC=$LIB_DIR/mgmt_client.py
ns_setup 1
pki_make
server_conf udp crypt
client_conf 1 udp crypt "management $T/c.sock unix" "management-query-passwords" \
	"management-forget-disconnect" "auth-user-pass" "explicit-exit-notify 1"
start_server

ASK="expect:^>PASSWORD:Need 'Auth' username/password\$"
GIVE=('send:username "Auth" user1' "expect:^SUCCESS: 'Auth' username entered"
	'send:password "Auth" pass1' "expect:^SUCCESS: 'Auth' password entered")

one_side() {
	local kind=$1
	rm -f "$T/c.sock"
	start_client 1 "$kind"
	in_c 1 timeout 60 python3 "$MC" "$T/c.sock" "$ASK" "${GIVE[@]}" \
		"send:state on" "expect:^SUCCESS: real-time state" \
		"expect:^>STATE:[0-9]+,CONNECTED," "close" \
		>"$T/$kind-1.mgmt" 2>&1 || { cat "$T/$kind-1.mgmt"; fail "$kind: first manager"; }
	in_c 1 timeout 60 python3 "$MC" "$T/c.sock" \
		"send:state on" "expect:^SUCCESS: real-time state" \
		"send:signal SIGUSR1" "expect:^SUCCESS: signal SIGUSR1 thrown" \
		"$ASK" "${GIVE[@]}" "expect:^>STATE:[0-9]+,CONNECTED," \
		"send:forget-passwords" "expect:^SUCCESS: Passwords were forgotten" \
		"send:signal SIGUSR1" "expect:^SUCCESS: signal SIGUSR1 thrown" \
		"$ASK" "${GIVE[@]}" "expect:^>STATE:[0-9]+,CONNECTED," \
		"send:signal SIGTERM" "expect:^>STATE:[0-9]+,EXITING," \
		>"$T/$kind-2.mgmt" 2>&1 || { cat "$T/$kind-2.mgmt"; fail "$kind: second manager"; }
	wait_for 10 sh -c "! kill -0 ${CLI_PIDS[1]} 2>/dev/null" || fail "$kind client did not exit"
	wait_for 10 sh -c "! grep -q '^CLIENT_LIST' '$T/status'" || fail "$kind client still listed"
	log "$kind: asked again after the manager left, and after forget-passwords"
}

one_side openvpn
one_side dcovpn
norm() {
	grep -E '^< (>PASSWORD|SUCCESS|ERROR|>STATE:[0-9]+,(CONNECTED|EXITING))' "$1" |
		sed -E -e 's/^< >STATE:[0-9]+,([A-Z]+),.*/< >STATE:T,\1/'
}
for n in 1 2; do
	diff -u <(norm "$T/openvpn-$n.mgmt") <(norm "$T/dcovpn-$n.mgmt") >"$T/diff" || {
		cat "$T/diff"
		fail "manager $n saw different lines (openvpn ---, dcovpn +++)"
	}
done
log "both managers' prompts, replies and states identical to openvpn's"
echo "PASS: $CASE"
