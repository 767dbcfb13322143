#!/usr/bin/env bash
# Scripts that take their time never hold up other clients, and the
# deferred answers of OpenVPN 2.6's manual work, the dcovpn server against
# openvpn 2.6 clients; the same config with openvpn 2.6 as the server for
# comparison (its own behaviour checked the same way, its timing reported).
#   c1 "slow":  auth-user-pass-verify sleeps 5 s, then accepts
#   c2 "fast":  accepted at once; started while c1's script still runs:
#               dcovpn must bring it up within 3 s (openvpn waits for c1)
#   c3 "defer": the script writes auth_pending_file (AUTH_PENDING and
#               INFO_PRE sent to the client, which lists the method in
#               IV_SSO), exits 2, and '1' lands in
#               auth_control_file 2 s later; its client-connect writes '2'
#               to client_connect_deferred_file, then (2 s later)
#               "ifconfig-push 198.19.66.77 ..." to client_connect_config_file
#               and '1': the client gets that address
#   c4 "deny":  deferred, then auth_failed_reason_file "go away" and '0':
#               the client sees AUTH_FAILED,go away
. "$(dirname "$0")/server_lib.bash"
ns_setup 4
pki_make
cat >"$T/auth.sh" <<'X'
#!/bin/sh
d=$(dirname "$0")
case $username in
slow)	touch "$d/slow.started"; sleep 5; exit 0 ;;
fast)	exit 0 ;;
defer)	printf '30\nwebauth\nOPEN_URL:https://example.org/x\n' >"$auth_pending_file"
	(sleep 2; echo 1 >"$auth_control_file") </dev/null >/dev/null 2>&1 &
	exit 2 ;;
deny)	(sleep 1; echo "go away" >"$auth_failed_reason_file"
	 echo 0 >"$auth_control_file") </dev/null >/dev/null 2>&1 &
	exit 2 ;;
esac
exit 1
X
cat >"$T/connect.sh" <<'X'
#!/bin/sh
[ "$username" = defer ] || exit 0
echo 2 >"$client_connect_deferred_file"
(sleep 2; echo "ifconfig-push 198.19.66.77 255.255.255.0" >"$client_connect_config_file"
 echo 1 >"$client_connect_deferred_file") </dev/null >/dev/null 2>&1 &
exit 0
X
chmod +x "$T/auth.sh" "$T/connect.sh"
users=(- slow fast defer deny)
for i in 1 2 3 4; do
	printf '%s\npw\n' "${users[$i]}" >"$T/up$i"
done

# ms since the epoch
now_ms() { date +%s%3N; }

# one KIND: the four clients against a KIND server; prints c2's time.
one() {
	local kind=$1 bin=$DCOVPN i t0 t1
	[ "$kind" = openvpn ] && bin=$OPENVPN
	rm -f "$T/slow.started" "$T"/c*-openvpn.log
	server_conf udp none "script-security 2" "auth-user-pass-verify $T/auth.sh via-env" \
		"client-connect $T/connect.sh"
	ip netns exec "$NS_S" "$bin" --config "$T/server.conf" >"$T/server-$kind.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server-$kind.log" ||
		fail "$kind server did not start"
	for i in 1 2 3 4; do
		client_conf "$i" udp none disable-dco "auth-user-pass $T/up$i" auth-nocache \
			"setenv IV_SSO webauth,openurl"
	done
	start_client 1 openvpn
	wait_for 10 test -f "$T/slow.started" || fail "$kind: c1's script did not start"
	t0=$(now_ms)
	start_client 2 openvpn
	wait_client 2
	t1=$(now_ms)
	C2_MS=$((t1 - t0))
	start_client 3 openvpn
	start_client 4 openvpn
	wait_client 1
	wait_client 3
	wait_for 15 grep -q "AUTH_FAILED,go away" "${CLI_LOG[4]}" ||
		fail "$kind: c4 did not get AUTH_FAILED with the reason"
	# the client shows the pending timeout it was given (INFO_PRE goes
	# to its management interface only)
	grep -q "AUTH_PENDING received, extending handshake timeout from 60s to 30s" \
		"${CLI_LOG[3]}" || fail "$kind: c3 got no AUTH_PENDING,timeout 30"
	[ "$(client_tun4 3)" = 198.19.66.77 ] ||
		fail "$kind: deferred client-connect address not used ($(client_tun4 3))"
	wait_for 10 in_c 2 ping -c1 -W1 "$TUN4_S" || fail "$kind: c2 ping"
	wait_for 10 in_c 3 ping -c1 -W1 "$TUN4_S" || fail "$kind: c3 ping"
	for i in 1 2 3 4; do
		stop_pid "${CLI_PIDS[$i]}"
		cp "${CLI_LOG[$i]}" "$T/c$i-$kind-done.log"
	done
	stop_pid "$SRV_PID"
	SRV_PID=
}

one openvpn
ref_ms=$C2_MS
one dcovpn
log "c2 up ${C2_MS} ms after it started while c1's 5 s script ran (openvpn 2.6 as server: ${ref_ms} ms)"
[ "$C2_MS" -lt 3000 ] || fail "c2 took ${C2_MS} ms: held up by c1's script"
echo "PASS: $CASE"
