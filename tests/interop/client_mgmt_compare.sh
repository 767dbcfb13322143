#!/usr/bin/env bash
# The management interface of a CLIENT, dcovpn against openvpn 2.6: the same
# config (management-hold, management-up-down, a unix socket) and the same
# manager steps, run once with each against one dcovpn server; what the
# manager receives must be the same byte for byte apart from times, pids and
# the ENV values that differ by run. Then management-client: each client
# connects out to a listening manager, which releases the hold and hangs up
# once CONNECTED; the lines must match again and both clients must end.
# Last management-query-remote: SKIP, a bad MOD, MOD to the real server.
. "$(dirname "$0")/server_lib.bash"
MC=$LIB_DIR/mgmt_client.py
ns_setup 1
pki_make
server_conf udp crypt
client_conf 1 udp crypt "management $T/c.sock unix" "management-hold" \
	"management-up-down" "auth-user-pass $T/up" "auth-nocache" \
	"explicit-exit-notify 1"
printf 'user1\npass1\n' >"$T/up"
start_server

# one_side KIND: KIND's client driven by the manager; its lines in
# $T/KIND.mgmt
one_side() {
	local kind=$1
	rm -f "$T/c.sock"
	start_client 1 "$kind"
	in_c 1 timeout 60 python3 "$MC" "$T/c.sock" \
		"expect:^>HOLD:Waiting for hold release:0" \
		"send:state on" "expect:^SUCCESS: real-time state notification set to ON" \
		"send:hold" "expect:^SUCCESS: hold=1" \
		"send:hold release" "expect:^SUCCESS: hold release succeeded" \
		"expect:^>UPDOWN:UP" "expect:^>UPDOWN:ENV,END" "expect:^>STATE:[0-9]+,CONNECTED," \
		"send:state all" "expect:^END" \
		"send:kill x" "expect:^ERROR" \
		"send:client-auth-nt 1 1" "expect:^ERROR" \
		"send:nclients" "expect:^(ERROR|SUCCESS)" \
		"send:pid" "expect:^SUCCESS: pid=" \
		"send:bytecount 1" "expect:^SUCCESS" "expect:^>BYTECOUNT:" \
		"send:bytecount 0" "expect:^SUCCESS" \
		"send:echo all" "expect:^END" \
		"send:verb" "expect:^SUCCESS: verb=" \
		"send:hold off" "expect:^SUCCESS: hold flag set to OFF" \
		"send:signal SIGTERM" "expect:^SUCCESS: signal SIGTERM thrown" \
		"expect:^>UPDOWN:DOWN" "expect:^>UPDOWN:ENV,END" "expect:^>STATE:[0-9]+,EXITING," \
		>"$T/$kind.mgmt" 2>&1 || { cat "$T/$kind.mgmt"; fail "$kind client: manager steps"; }
	wait_for 10 sh -c "! kill -0 ${CLI_PIDS[1]} 2>/dev/null" || fail "$kind client did not exit"
	# the server let it go (its exit notification): the next gets its address
	wait_for 10 sh -c "! grep -q '^CLIENT_LIST' '$T/status'" || fail "$kind client still listed"
	cp "${CLI_LOG[1]}" "$T/$kind-client.log"
}
# out_side KIND: management-client: KIND's client connects out to the
# manager, which releases the hold, sees CONNECTED and hangs up: the
# client must end ("management-exit").
out_side() {
	local kind=$1 mpid
	sed -e "s|^management .*|management 127.0.0.1 7506|" -e '$a management-client' \
		"$T/c1.conf" >"$T/c1-out.conf"
	in_c 1 timeout 60 python3 "$MC" listen:127.0.0.1:7506 \
		"expect:^>INFO:OpenVPN Management Interface" \
		"expect:^>HOLD:Waiting for hold release:0" \
		"send:state on" "expect:^SUCCESS: real-time state" \
		"send:hold release" "expect:^SUCCESS: hold release succeeded" \
		"expect:^>STATE:[0-9]+,CONNECTED," "close" >"$T/$kind-out.mgmt" 2>&1 &
	mpid=$!
	wait_for 10 sh -c "ip netns exec sv-$$-c1 ss -ltn | grep -q 127.0.0.1:7506" ||
		fail "$kind: manager not listening"
	local bin=$DCOVPN
	[ "$kind" = openvpn ] && bin=$OPENVPN
	rm -f "$T/c1-out.log"
	ip netns exec "sv-$$-c1" "$bin" --config "$T/c1-out.conf" >"$T/c1-out-$kind.log" 2>&1 &
	CLI_PIDS[1]=$!
	wait "$mpid" || { cat "$T/$kind-out.mgmt"; fail "$kind: management-client steps"; }
	wait_for 15 sh -c "! kill -0 ${CLI_PIDS[1]} 2>/dev/null" ||
		fail "$kind: the client did not end when the manager hung up"
	grep -q "management-exit\|Triggering management exit" "$T/c1-out-$kind.log" ||
		fail "$kind: no management exit in the log"
	wait_for 10 sh -c "! grep -q '^CLIENT_LIST' '$T/status'" || fail "$kind client still listed"
}

# query_side KIND: management-query-remote with two remotes, the first a
# dead end: the manager skips it, then moves the second to the real server
# (MOD); a stray "proxy NONE" is answered as OpenVPN does.
query_side() {
	local kind=$1 bin=$DCOVPN
	[ "$kind" = openvpn ] && bin=$OPENVPN
	sed -e "s|^management .*|management $T/q.sock unix|" -e '/^management-hold/d' \
		-e "s|^remote .*|remote 198.18.66.99 1194\nremote server.invalid 1195|" \
		-e '$a management-query-remote' "$T/c1.conf" >"$T/c1-q.conf"
	rm -f "$T/q.sock"
	ip netns exec "sv-$$-c1" "$bin" --config "$T/c1-q.conf" >"$T/c1-q-$kind.log" 2>&1 &
	CLI_PIDS[1]=$!
	in_c 1 timeout 60 python3 "$MC" "$T/q.sock" \
		"expect:^>REMOTE:198\.18\.66\.99,1194,udp\$" "send:state on" \
		"expect:^SUCCESS: real-time state" "send:proxy NONE" "expect:^(SUCCESS|ERROR)" \
		"send:remote MOD x" "expect:^ERROR: remote command failed" \
		"send:remote-entry-count" "expect:^2\$" "expect:^END" \
		"send:remote-entry-get all" "expect:^1,server\.invalid,1195,udp,enabled" "expect:^END" \
		"send:remote-entry-get 1 5" "expect:^END" \
		"send:remote SKIP" "expect:^SUCCESS: remote command succeeded" \
		"expect:^>REMOTE:server\.invalid,1195,udp\$" \
		"send:remote MOD $UL4_S 1194" "expect:^SUCCESS: remote command succeeded" \
		"expect:^>STATE:[0-9]+,CONNECTED," "send:remote ACCEPT" "expect:^ERROR" \
		"send:signal SIGTERM" "expect:^>STATE:[0-9]+,EXITING," \
		>"$T/$kind-q.mgmt" 2>&1 || { cat "$T/$kind-q.mgmt"; fail "$kind: query-remote steps"; }
	wait_for 10 sh -c "! kill -0 ${CLI_PIDS[1]} 2>/dev/null" || fail "$kind client did not exit"
	wait_for 10 sh -c "! grep -q '^CLIENT_LIST' '$T/status'" || fail "$kind client still listed"
}

one_side openvpn
one_side dcovpn
out_side openvpn
out_side dcovpn
query_side openvpn
query_side dcovpn
[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*.mgmt "$KEEP_LOGS"/

# the environment's values and names are compared apart (the scripts'
# environment is its own test)
norm() {
	grep -v '^< >UPDOWN:ENV,[^E]' "$1" | sed -E -e 's/^< >(STATE|BYTECOUNT|LOG):[0-9]+,/< >\1:T,/' -e 's/^< [0-9]{9,},/< T,/' \
		-e 's/pid=[0-9]+/pid=P/' -e 's/^< >BYTECOUNT:[0-9]+,[0-9]+/< >BYTECOUNT:N,N/' \
		-e 's/^< >BYTECOUNT:T,[0-9]+/< >BYTECOUNT:N,N/' 
}
diff -u <(norm "$T/openvpn.mgmt") <(norm "$T/dcovpn.mgmt") >"$T/diff" || {
	cat "$T/diff"
	fail "the manager saw different lines (openvpn ---, dcovpn +++)"
}
log "$(grep -c '^<' "$T/dcovpn.mgmt") lines received, identical to openvpn's apart from times, pids and UPDOWN ENV"
diff -u <(norm "$T/openvpn-out.mgmt") <(norm "$T/dcovpn-out.mgmt") >"$T/diff-out" || {
	cat "$T/diff-out"
	fail "management-client: the manager saw different lines (openvpn ---, dcovpn +++)"
}
log "management-client: $(grep -c '^<' "$T/dcovpn-out.mgmt") lines identical to openvpn's; both ended when the manager hung up"
diff -u <(norm "$T/openvpn-q.mgmt") <(norm "$T/dcovpn-q.mgmt") >"$T/diff-q" || {
	cat "$T/diff-q"
	fail "management-query-remote: the manager saw different lines (openvpn ---, dcovpn +++)"
}
log "management-query-remote: $(grep -c '^<' "$T/dcovpn-q.mgmt") lines identical to openvpn's (entries, SKIP, bad MOD, MOD, late ACCEPT)"
names() {
	awk '/^< >UPDOWN:(UP|DOWN)$/ { n = $2 } /^< >UPDOWN:ENV,/ { sub(/^< >UPDOWN:ENV,/, ""); sub(/=.*/, ""); print n, $0 }' "$1" | sort -u
}
log "UPDOWN ENV names openvpn sends and dcovpn does not: $(comm -23 <(names "$T/openvpn.mgmt") <(names "$T/dcovpn.mgmt") | tr '\n' ' ')"
for n in ">UPDOWN:UP dev" ">UPDOWN:UP ifconfig_local" ">UPDOWN:UP ifconfig_netmask" ">UPDOWN:DOWN dev"; do
	names "$T/dcovpn.mgmt" | grep -qxF "$n" || fail "no ${n#* } in dcovpn's ${n% *}"
done
echo "PASS: $CASE"
