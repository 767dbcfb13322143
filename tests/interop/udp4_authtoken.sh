#!/usr/bin/env bash
# UDP/IPv4, tls-auth, auth-user-pass with the server's "auth-gen-token" and
# "reneg-sec 6": the renegotiations authenticate with the pushed token
# (the verify script would refuse the password the second time), the
# tunnel keeps working, and a SIGUSR1 reconnect uses the token too.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
cat >"$T/auth.sh" <<X
#!/bin/sh
# Accept the password once only: later logins must use the token.
[ -e "$T/used" ] && exit 1
touch "$T/used"
[ "\$(sed -n 1p "\$1")" = "bob" ] && [ "\$(sed -n 2p "\$1")" = "pw" ]
X
chmod +x "$T/auth.sh"
printf 'bob\npw\n' >"$T/up.txt"
server_conf udp 4 auth "script-security 2" "auth-user-pass-verify $T/auth.sh via-file" \
	"auth-gen-token" "hand-window 3" "reneg-sec 6"
client_conf udp 4 auth "auth-user-pass $T/up.txt"
start_server
start_client
ping_both
wait_for 30 sh -c "[ \$(grep -c 'soft reset of key-id' '$T/client.log') -ge 2 ]" ||
	fail "no two renegotiations"
grep -q "AUTH_FAILED" "$T/client.log" && fail "renegotiation was refused"
grep -qi "auth-token" "$T/server.log" || fail "the server log does not mention the token"
ping_both
transfer "${MB:-2}" up
# A reconnect (SIGUSR1) logs in with the token too, as OpenVPN keeps it.
n=$(grep -c 'Initialization Sequence Completed' "$T/client.log")
kill -USR1 "$CLI_PID"
wait_for 30 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/client.log') -gt $n ]" ||
	fail "no reconnect with the token after SIGUSR1"
ping_both
echo "PASS: $CASE"
