#!/usr/bin/env bash
# management-client-auth on the server, dcovpn and openvpn 2.6 on the same
# config with the same external-auth manager (mgmt_cauth.py) and the same
# three openvpn 2.6 clients, one after another:
#   cli1  accepted with a client-auth config block (its push reaches it)
#   cli2  denied: the client sees AUTH_FAILED with the manager's reason
#   cli3  client-pending-auth (AUTH_PENDING and INFO_PRE reach the client),
#         then accepted
# then cli1 and cli3 leave. The manager's transcripts must match byte for
# byte apart from the environment's values (>CLIENT lines, replies, the
# order), and the ENV names, notification by notification, must be
# OpenVPN's in OpenVPN's order.
. "$(dirname "$0")/server_lib.bash"
MGR=$LIB_DIR/mgmt_cauth.py
ns_setup 3
pki_make
server_conf udp crypt "management 127.0.0.1 7505" "management-client-auth"
for i in 1 2 3; do
	printf 'user%s\npass%s\n' "$i" "$i" >"$T/up$i"
	client_conf "$i" udp crypt "auth-user-pass $T/up$i" "explicit-exit-notify 1" \
		"setenv IV_SSO webauth"
done

# wait_disconnects N WHAT: the manager has seen N >CLIENT:DISCONNECT.
wait_disconnects() {
	wait_for 30 sh -c "[ \$(grep -c '^< >CLIENT:DISCONNECT,' '$T/$kind-mgmt.txt') -ge $1 ]" ||
		fail "$kind: no DISCONNECT after $2"
}

# run_side KIND: the server KIND with the manager; logs and transcript
# in $T/KIND-*.
run_side() {
	local kind=$1 bin=$DCOVPN mpid i
	[ "$kind" = openvpn ] && bin=$OPENVPN
	rm -f "$T/stop"
	ip netns exec "$NS_S" "$bin" --config "$T/server.conf" >"$T/server-$kind.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server-$kind.log" ||
		fail "$kind server did not start"
	in_s timeout 90 python3 "$MGR" 127.0.0.1:7505 "$T/$kind-mgmt.txt" "$T/stop" &
	mpid=$!
	BG_PIDS+=("$mpid")
	wait_for 10 grep -q "^< >INFO:OpenVPN Management Interface" "$T/$kind-mgmt.txt" ||
		fail "$kind: manager not connected"
	# one step at a time, each waited for, so both sides' lines come in
	# the same order
	start_client 1 openvpn
	wait_client 1
	wait_for 10 grep -q "^< >CLIENT:ESTABLISHED," "$T/$kind-mgmt.txt" ||
		fail "$kind: cli1 not established"
	start_client 2 openvpn
	wait_for 20 grep -q "AUTH_FAILED" "${CLI_LOG[2]}" || fail "$kind: cli2 not refused"
	wait_disconnects 1 "cli2 denied"
	start_client 3 openvpn
	wait_client 3
	stop_pid "${CLI_PIDS[1]}"
	wait_disconnects 2 "cli1 left"
	stop_pid "${CLI_PIDS[3]}"
	wait_disconnects 3 "cli3 left"
	touch "$T/stop"
	wait "$mpid" || true
	stop_pid "$SRV_PID"
	SRV_PID=
	for i in 1 2 3; do cp "${CLI_LOG[$i]}" "$T/$kind-c$i.log"; done
}

run_side dcovpn
run_side openvpn
[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*-mgmt.txt "$KEEP_LOGS"/

# the lines without the environment's values
shape() {
	sed -E -e 's/^(< >CLIENT:ENV,[^=]*)=.*/\1=/' -e 's/^(< >INFO:).*/\1/' \
		-e 's/^< (>STATE:)?[0-9]{9,},/< \1T,/' "$1" |
		grep -v '^< >CLIENT:ENV,' >"$1.shape"
}
for k in dcovpn openvpn; do shape "$T/$k-mgmt.txt"; done
diff -u "$T/openvpn-mgmt.txt.shape" "$T/dcovpn-mgmt.txt.shape" >"$T/shape.diff" || {
	cat "$T/shape.diff"
	fail "the manager saw different lines (openvpn ---, dcovpn +++)"
}
log "$(grep -c . "$T/dcovpn-mgmt.txt.shape") manager lines identical apart from ENV values"

# ENV names per notification, in their order: OpenVPN 2.6 prints a
# client's env_set newest first; the same names in the same order
envorder() {
	awk '/^< >CLIENT:(CONNECT|REAUTH|ESTABLISHED|DISCONNECT),/ { if (l != "") print l; l = $2 }
	     /^< >CLIENT:ENV,/ { v = $0; sub(/^< >CLIENT:ENV,/, "", v); sub(/=.*/, "", v); l = l " " v }
	     END { if (l != "") print l }' "$1" | tr ' ' '\n'
}
diff -u <(envorder "$T/openvpn-mgmt.txt") <(envorder "$T/dcovpn-mgmt.txt") >"$T/order.diff" || {
	cat "$T/order.diff"
	fail "the ENV names or their order differ (openvpn ---, dcovpn +++)"
}
log "$(grep -c '^< >CLIENT:ENV,' "$T/dcovpn-mgmt.txt") ENV lines: the same names in the same order as openvpn's"

# ENV names per notification: OpenVPN's must all be there
envnames() {
	awk '/^< >CLIENT:(CONNECT|REAUTH|ESTABLISHED|DISCONNECT),/ { split($2, a, ","); n = a[1] }
	     /^< >CLIENT:ENV,/ { sub(/^< >CLIENT:ENV,/, ""); sub(/=.*/, ""); print n, $0 }' "$1" | sort -u
}
envnames "$T/openvpn-mgmt.txt" >"$T/openvpn.env"
envnames "$T/dcovpn-mgmt.txt" >"$T/dcovpn.env"
missing=$(comm -23 "$T/openvpn.env" "$T/dcovpn.env" | tr '\n' ' ')
extra=$(comm -13 "$T/openvpn.env" "$T/dcovpn.env" | tr '\n' ' ')
log "ENV names OpenVPN sends and dcovpn does not: ${missing:-none}"
log "ENV names dcovpn sends and OpenVPN does not: ${extra:-none}"
# what external-auth managers read must be there, with OpenVPN's values
for n in ">CLIENT:CONNECT common_name" ">CLIENT:CONNECT username" \
	">CLIENT:CONNECT password" ">CLIENT:CONNECT untrusted_ip" \
	">CLIENT:CONNECT untrusted_port" ">CLIENT:CONNECT IV_SSO" \
	">CLIENT:CONNECT n_clients" ">CLIENT:ESTABLISHED ifconfig_pool_remote_ip" \
	">CLIENT:ESTABLISHED n_clients" ">CLIENT:DISCONNECT common_name"; do
	grep -qxF "$n" "$T/dcovpn.env" || fail "dcovpn's $n has no ${n#* } in its ENV"
done
# ... and the same values (each notification's, in any order)
values() {
	awk '/^< >CLIENT:(CONNECT|REAUTH|ESTABLISHED|DISCONNECT),/ { n = $2 }
	     /^< >CLIENT:ENV,(common_name|username|password|untrusted_ip|IV_SSO|n_clients|ifconfig_pool_remote_ip)=/ {
		sub(/^< >CLIENT:ENV,/, ""); print n, $0 }' "$1" | sort -u
}
values "$T/openvpn-mgmt.txt" >"$T/openvpn.val"
values "$T/dcovpn-mgmt.txt" >"$T/dcovpn.val"
if [ -n "$(comm -23 "$T/openvpn.val" "$T/dcovpn.val")" ]; then
	comm -23 "$T/openvpn.val" "$T/dcovpn.val"
	fail "ENV values OpenVPN sends that dcovpn does not (above)"
fi
log "common_name, username, password, untrusted_ip, IV_SSO, n_clients, ifconfig_pool_remote_ip: OpenVPN's values all sent"

# the byte counters count the control channel, as OpenVPN's (cli1's, CID 0,
# over the same steps: within a quarter of OpenVPN's)
bytes() {
	awk -v w="$2" '/^< >CLIENT:(CONNECT|REAUTH|ESTABLISHED|DISCONNECT|ADDRESS),/ { on = ($2 == ">CLIENT:DISCONNECT,0") }
		on && index($0, "< >CLIENT:ENV," w "=") == 1 { sub(/.*=/, ""); print; exit }' "$1"
}
for w in bytes_received bytes_sent; do
	o=$(bytes "$T/openvpn-mgmt.txt" $w)
	d=$(bytes "$T/dcovpn-mgmt.txt" $w)
	log "cli1 $w: openvpn $o, dcovpn $d"
	awk -v o="$o" -v d="$d" 'BEGIN { exit !(o > 0 && d > 0.75 * o && d < 1.25 * o) }' ||
		fail "cli1's $w: dcovpn $d, openvpn $o"
done

for k in dcovpn openvpn; do
	grep -q "FROM_MGMT" "$T/$k-c1.log" || fail "$k: client-auth's push did not reach cli1"
	grep -q "AUTH_FAILED,not you" "$T/$k-c2.log" || fail "$k: cli2 did not see AUTH_FAILED,not you"
	grep -q "AUTH_PENDING" "$T/$k-c3.log" || fail "$k: cli3 did not see AUTH_PENDING"
	grep -q "WEB_AUTH::https://sso.example/x" "$T/$k-c3.log" || fail "$k: cli3 did not see INFO_PRE"
done
log "cli1 got client-auth's push, cli2 AUTH_FAILED,not you, cli3 AUTH_PENDING + INFO_PRE then in"
echo "PASS: $CASE"
