#!/usr/bin/env bash
# auth-gen-token on the dcovpn server, with a one-time password: the
# verify script accepts "alice / otp-1234" once only, as an OTP back end
# would. An openvpn 2.6 client gets in, is pushed a token, and after a
# restart (SIGUSR1) comes back with the token instead of the spent password
# and is let in without the script; a forged token is refused.
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
cat >"$T/auth.sh" <<X
#!/bin/sh
echo call >>"$T/auth.calls"
[ "\$(sed -n 1p "\$1")" = alice ] && [ "\$(sed -n 2p "\$1")" = otp-1234 ] &&
	[ "\$(wc -l <"$T/auth.calls")" -eq 1 ]
X
chmod +x "$T/auth.sh"
"$DCOVPN" --genkey auth-token "$T/token.key" || fail "dcovpn --genkey auth-token"
server_conf udp auth "script-security 2" "auth-user-pass-verify $T/auth.sh via-file" \
	"auth-gen-token 3600" "auth-gen-token-secret $T/token.key"
printf 'alice\notp-1234\n' >"$T/up1.txt"
client_conf 1 udp auth "auth-user-pass $T/up1.txt"
start_server
start_client 1 openvpn
wait_client 1
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1: no ping"
grep -q "auth-token \[REDACTED\]" "$T/server.log" || fail "no auth-token pushed (or not redacted)"
grep -q "SESS_ID_AT_" "$T/server.log" && fail "the token appears in the server log"

kill -USR1 "${CLI_PIDS[1]}"
wait_for 40 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '${CLI_LOG[1]}') -ge 2 ]" ||
	fail "c1 did not come back with its token"
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1: no ping after the restart"
grep -q "auth-token authentication succeeded for username 'alice'" "$T/server.log" ||
	fail "the server did not take the token"
[ "$(wc -l <"$T/auth.calls")" -eq 1 ] || fail "the verify script ran $(wc -l <"$T/auth.calls") times"

# a forged token (right shape, wrong MAC) is refused
printf 'alice\nSESS_ID_AT_%s\n' "$(head -c 60 /dev/urandom | base64 -w0)" >"$T/up2.txt"
client_conf 2 udp auth "auth-user-pass $T/up2.txt"
start_client 2 dcovpn
wait_for 20 grep -q "AUTH_FAILED" "${CLI_LOG[2]}" || fail "forged token not refused"
grep -q "auth-token invalid for username 'alice'" "$T/server.log" || fail "no reason logged"
echo "PASS: $CASE"
