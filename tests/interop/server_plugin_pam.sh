#!/usr/bin/env bash
# --plugin openvpn-plugin-auth-pam.so (Debian's, unchanged) on the dcovpn
# server, against a PAM service this test writes (/etc/pam.d/, a unique
# name, removed on exit): pam_exec runs a script that accepts alice /
# pam-secret only. An openvpn 2.6 client with those credentials connects
# and pings; one with a wrong password gets AUTH_FAILED. PAM runs in the
# plugin's background process and answers through auth_control_file
# (deferred), so the check is also timed against a slow PAM back end
# (the script sleeps for bob): a second client connects meanwhile. The
# same configuration run by openvpn 2.6 as the server behaves the same.
. "$(dirname "$0")/server_lib.bash"
PLUGIN=/usr/lib/x86_64-linux-gnu/openvpn/plugins/openvpn-plugin-auth-pam.so
[ -f "$PLUGIN" ] || fail "$PLUGIN missing (Debian's openvpn package)"
SERVICE=dcovpn-test-pam-$$
PAMFILE=/etc/pam.d/$SERVICE
trap 'rm -f "$PAMFILE"; teardown' EXIT
ns_setup 3
pki_make
cat >"$T/pam_check.sh" <<X
#!/bin/sh
# pam_exec expose_authtok: the password on stdin (NUL-ended)
pw=\$(tr -d '\\000')
echo "\$PAM_USER" >>"$T/pam.calls"
[ "\$PAM_USER" = bob ] && sleep 6
[ "\$PAM_USER" = alice ] && [ "\$pw" = pam-secret ] && exit 0
[ "\$PAM_USER" = bob ] && [ "\$pw" = bob-secret ] && exit 0
exit 1
X
chmod 755 "$T/pam_check.sh"
chmod 755 "$T"
cat >"$PAMFILE" <<X
auth required pam_exec.so expose_authtok quiet $T/pam_check.sh
account required pam_permit.so
X
printf 'alice\npam-secret\n' >"$T/good.txt"
printf 'alice\nwrong\n' >"$T/bad.txt"
printf 'bob\nbob-secret\n' >"$T/bob.txt"
server_conf udp auth "plugin $PLUGIN $SERVICE" "hand-window 20"
client_conf 1 udp auth "auth-user-pass $T/good.txt"
client_conf 2 udp auth "auth-user-pass $T/bad.txt" "auth-retry none"
client_conf 3 udp auth "auth-user-pass $T/bob.txt"

# check_server KIND: the server KIND (dcovpn|openvpn) lets alice in,
# refuses the wrong password, and lets alice in while bob's PAM is slow.
check_server() {
	local kind=$1 t0
	rm -f "$T/pam.calls"
	if [ "$kind" = openvpn ]; then DCOVPN=$OPENVPN start_server; else start_server; fi
	start_client 1 openvpn
	wait_client 1
	wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "$kind: c1 (alice) no ping"
	start_client 2 openvpn
	wait_for 20 grep -q "AUTH_FAILED" "${CLI_LOG[2]}" ||
		fail "$kind: the wrong password was not refused"
	grep -q "Initialization Sequence Completed" "${CLI_LOG[2]}" &&
		fail "$kind: c2 connected with a wrong password"
	# bob's PAM takes 6 s; alice reconnects meanwhile
	stop_pid "${CLI_PIDS[1]}"
	start_client 3 openvpn
	wait_for 10 grep -q bob "$T/pam.calls" || fail "$kind: bob never reached PAM"
	t0=$SECONDS
	start_client 1 openvpn
	wait_client 1
	log "$kind: alice in after $((SECONDS - t0)) s while bob's PAM sleeps"
	if [ "$kind" = dcovpn ]; then
		[ $((SECONDS - t0)) -lt 5 ] || fail "alice waited for bob's PAM"
	fi
	wait_client 3
	wait_for 15 in_c 3 ping -c1 -W1 "$TUN4_S" || fail "$kind: c3 (bob) no ping"
	for i in 1 2 3; do stop_pid "${CLI_PIDS[$i]}"; done
	stop_pid "$SRV_PID"
	for i in 1 2 3; do mv "${CLI_LOG[$i]}" "$T/$kind-${CLI_LOG[$i]##*/}"; done
	mv "$T/server.log" "$T/server-$kind.log"
}
check_server dcovpn
grep -q "PLUGIN_INIT: POST $PLUGIN" "$T/server-dcovpn.log" || fail "no PLUGIN_INIT line"
check_server openvpn
echo "PASS: $CASE"
