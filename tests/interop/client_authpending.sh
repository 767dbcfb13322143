#!/usr/bin/env bash
# A CLIENT told by its server that authentication is pending, dcovpn against
# openvpn 2.6, on the same config against one openvpn 2.6 server whose
# management-client-auth manager (mgmt_cauth.py, CAUTH_MODE=pending) answers
# with client-pending-auth:
#   cli1  WEB_AUTH, decided 12 s later, past the client's hand-window (7):
#         the client shows AUTH_PENDING ("timeout 30") and >INFOMSG with
#         the URL, and waits (AUTH_PENDING,timeout moved its deadline; the
#         server ACKs each PUSH_REQUEST, 5 s apart) where without it the
#         request due at 11 s would have given up ("no-push-reply")
#   cli2  CR_TEXT: the client's manager reads the challenge (>INFOMSG) and
#         answers with cr-response; the server's manager gets
#         >CLIENT:CR_RESPONSE and lets the client in
# What each client's manager receives must be the same apart from times.
. "$(dirname "$0")/server_lib.bash"
MGR=$LIB_DIR/mgmt_cauth.py
MC=$LIB_DIR/mgmt_client.py
ns_setup 2
pki_make
server_conf udp crypt "management 127.0.0.1 7505" "management-client-auth"
printf 'user1\npass1\n' >"$T/up"
for i in 1 2; do
	sso=webauth
	[ "$i" = 2 ] && sso=crtext
	client_conf "$i" udp crypt "auth-user-pass $T/up" "setenv IV_SSO $sso" \
		"explicit-exit-notify 1" "management $T/m$i.sock unix" "management-hold"
done
sed -i '$a hand-window 7' "$T/c1.conf"

ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
SRV_PID=$!
wait_for 10 grep -q "Initialization Sequence Completed" "$T/server.log" ||
	fail "openvpn server did not start"
CAUTH_MODE=pending CAUTH_DELAY=12 CAUTH_SECONDS=100 in_s timeout 110 python3 "$MGR" 127.0.0.1:7505 \
	"$T/server-mgmt.txt" "$T/stop" &
BG_PIDS+=("$!")
wait_for 10 grep -q "^< >INFO:OpenVPN Management Interface" "$T/server-mgmt.txt" ||
	fail "the server's manager did not connect"

# drive I KIND STEPS...: client I of KIND with its manager's STEPS (after
# the hold release); the lines in $T/KIND-cI.mgmt
drive() {
	local i=$1 kind=$2
	shift 2
	rm -f "$T/m$i.sock"
	start_client "$i" "$kind"
	in_c "$i" timeout 45 python3 "$MC" "$T/m$i.sock" \
		"expect:^>HOLD:Waiting for hold release" "send:state on" \
		"expect:^SUCCESS: real-time state" "send:hold release" \
		"expect:^SUCCESS: hold release succeeded" "$@" \
		"expect:^>STATE:[0-9]+,CONNECTED,SUCCESS" "send:signal SIGTERM" \
		"expect:^>STATE:[0-9]+,EXITING," >"$T/$kind-c$i.mgmt" 2>&1 ||
		{ cat "$T/$kind-c$i.mgmt"; fail "$kind c$i: manager steps"; }
	wait_for 10 sh -c "! kill -0 ${CLI_PIDS[$i]} 2>/dev/null" || fail "$kind c$i did not exit"
	mv "${CLI_LOG[$i]}" "$T/$kind-c$i.log"
}

for kind in openvpn dcovpn; do
	drive 1 "$kind" "expect:^>STATE:[0-9]+,AUTH_PENDING,timeout 30," \
		"expect:^>INFOMSG:WEB_AUTH::https://sso.example/x\$"
	drive 2 "$kind" "expect:^>INFOMSG:CR_TEXT:R,E:Enter your code\$" \
		"send:cr-response dGVzdA==" "expect:^SUCCESS: command succeeded"
done
touch "$T/stop"

n=$(grep -c "^< >CLIENT:CR_RESPONSE,[0-9]*,[0-9]*,dGVzdA==\$" "$T/server-mgmt.txt" || true)
[ "$n" = 2 ] || fail "the server's manager got $n CR_RESPONSEs, want one from each client"
# waiting past hand-window 7 for the decision (12 s), not reconnecting
t() { grep -m1 "^< >STATE:[0-9]*,$2," "$1" | sed -E 's/^< >STATE:([0-9]+),.*/\1/'; }
for kind in openvpn dcovpn; do
	waited=$(($(t "$T/$kind-c1.mgmt" CONNECTED) - $(t "$T/$kind-c1.mgmt" AUTH)))
	log "$kind c1: CONNECTED ${waited}s after AUTH"
	[ "$waited" -ge 10 ] || fail "$kind c1 was in after ${waited}s: was it pending at all?"
	! grep -q "RECONNECTING" "$T/$kind-c1.mgmt" || fail "$kind c1 gave up waiting"
	n=$(grep -c "SENT CONTROL \[.*\]: 'PUSH_REQUEST'" "$T/$kind-c1.log" || true)
	# (openvpn's server may notice the decision only at the next request)
	[ "$n" -ge 3 ] || fail "$kind c1 sent $n PUSH_REQUESTs while pending, want the one at 11 s too"
done

# times out; GET_CONFIG comes at the client's connect check, after the
# AUTH_PENDING or before it under load: checked apart
norm() {
	sed -E -e 's/^< >STATE:[0-9]+,/< >STATE:T,/' "$1" | grep -v ',GET_CONFIG,'
}
for i in 1 2; do
	for kind in openvpn dcovpn; do
		[ "$(grep -c ',GET_CONFIG,' "$T/$kind-c$i.mgmt")" = 1 ] ||
			fail "$kind c$i: not one GET_CONFIG state"
	done
	diff -u <(norm "$T/openvpn-c$i.mgmt") <(norm "$T/dcovpn-c$i.mgmt") >"$T/diff$i" || {
		cat "$T/diff$i"
		fail "c$i: the manager saw different lines (openvpn ---, dcovpn +++)"
	}
	log "c$i: $(grep -c '^<' "$T/dcovpn-c$i.mgmt") lines identical to openvpn's apart from times"
done
echo "PASS: $CASE"
