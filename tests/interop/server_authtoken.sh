#!/usr/bin/env bash
# auth-gen-token on the dcovpn server, with a one-time password: the
# verify script accepts "alice / otp-1234" once only, as an OTP back end
# would. An openvpn 2.6 client gets in, is pushed a token, and after a
# restart (SIGUSR1) comes back with the token instead of the spent password
# and is let in without the script; at each renegotiation its token is
# checked and renewed; a forged token is refused. Without tokens, the
# password is checked again at each renegotiation, and a client whose
# password the script no longer accepts is told AUTH_FAILED and removed.
. "$(dirname "$0")/server_lib.bash"
ns_setup 3
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
	"auth-gen-token 3600" "auth-gen-token-secret $T/token.key" "reneg-sec 6 5"
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
# renegotiation (server side, every 5-6 s): the token is checked again
# and renewed, without the script
wait_for 20 sh -c "[ \$(grep -c 'auth-token renewed' '$T/server.log') -ge 2 ]" ||
	fail "no token renewal at renegotiation"
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1: no ping after renegotiation"
[ "$(wc -l <"$T/auth.calls")" -eq 1 ] || fail "the verify script ran $(wc -l <"$T/auth.calls") times"

# a forged token (right shape, wrong MAC) is refused
printf 'alice\nSESS_ID_AT_%s\n' "$(head -c 60 /dev/urandom | base64 -w0)" >"$T/up2.txt"
client_conf 2 udp auth "auth-user-pass $T/up2.txt"
start_client 2 dcovpn
wait_for 20 grep -q "AUTH_FAILED" "${CLI_LOG[2]}" || fail "forged token not refused"
grep -q "auth-token invalid for username 'alice'" "$T/server.log" || fail "no reason logged"
stop_pid "${CLI_PIDS[1]}"
stop_pid "${CLI_PIDS[2]}"

# Without tokens the password is checked at each renegotiation: once the
# script refuses it, the client is told AUTH_FAILED and removed.
stop_pid "$SRV_PID"
mv "$T/server.log" "$T/server-token.log"
cat >"$T/auth2.sh" <<X
#!/bin/sh
[ -e "$T/bob.ok" ] && [ "\$(sed -n 1p "\$1")" = bob ]
X
chmod +x "$T/auth2.sh"
touch "$T/bob.ok"
server_conf udp auth "script-security 2" "auth-user-pass-verify $T/auth2.sh via-file" \
	"reneg-sec 6 5"
printf 'bob\npw\n' >"$T/up3.txt"
client_conf 3 udp auth "auth-user-pass $T/up3.txt"
start_server
start_client 3 openvpn
wait_client 3
wait_for 20 grep -q "soft reset of key-id 1 completed" "$T/server.log" ||
	fail "no renegotiation"
grep -q "AUTH_FAILED" "${CLI_LOG[3]}" && fail "bob refused while the script accepts"
rm "$T/bob.ok"
wait_for 20 grep -q "AUTH_FAILED" "${CLI_LOG[3]}" ||
	fail "bob not refused at the renegotiation after the script turned him down"
wait_for 10 grep -q "client-instance exiting" "$T/server.log" || fail "bob not removed"
echo "PASS: $CASE"
