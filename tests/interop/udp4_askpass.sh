#!/usr/bin/env bash
# UDP/IPv4, tls-auth, an encrypted client key and auth-user-pass:
#  - askpass FILE opens the key; a wrong passphrase and a missing askpass
#    stop start-up with a message that says what to do;
#  - with neither a passphrase file nor a credentials file, dcovpn asks on
#    the terminal as OpenVPN does ("Enter Private Key Password:", "Enter
#    Auth Username:", "Enter Auth Password:"), echo off for secrets;
#    answered on a pty, it connects and the server's verify script accepts;
#  - static-challenge: the one-time response asked on the terminal reaches
#    the openvpn server's script as OpenVPN sends it ("SCRV1:" base64
#    password ":" base64 response), and appended with format concat;
#  - management-query-passwords: the key's passphrase and the username and
#    password are asked through the management interface (as
#    NetworkManager's openvpn plugin does); with auth-retry interact a
#    refused password is reported (>PASSWORD:Verification Failed) and
#    asked again.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
openssl pkey -in "$T/pki/client.key" -aes256 -passout pass:'k3y pass' \
	-out "$T/enc.key" 2>/dev/null || fail "cannot encrypt the test key"
printf 'k3y pass\n' >"$T/pass.txt"
cat >"$T/auth.sh" <<X
#!/bin/sh
p=\$(sed -n 2p "\$1")
[ "\$(sed -n 1p "\$1")" = "bob" ] || exit 1
[ "\$p" = "typed s3cret" ] && exit 0
[ "\$p" = "SCRV1:$(printf 'typed s3cret' | base64):$(printf 246810 | base64)" ] && exit 0
[ "\$p" = "typed s3cret135790" ]
X
chmod +x "$T/auth.sh"
server_conf udp 4 auth "script-security 2" "auth-user-pass-verify $T/auth.sh via-file"
start_server

# askpass FILE
printf 'bob\ntyped s3cret\n' >"$T/up.txt"
client_conf udp 4 auth "key $T/enc.key" "askpass $T/pass.txt" "auth-user-pass $T/up.txt"
start_client
ping_both
stop_pid "$CLI_PID"
CLI_PID=

# wrong passphrase, then none: clear refusals, no hang
must_refuse() { # must_refuse WHAT PATTERN
	set +e
	timeout 20 ip netns exec "$NS_C" "$DCOVPN" --config "$T/client.conf" \
		>"$T/refused.log" 2>&1
	local rc=$?
	set -e
	[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "$1: exit status $rc"
	grep -q -- "$2" "$T/refused.log" || { cat "$T/refused.log"; fail "$1: no '$2'"; }
}
printf 'not it\n' >"$T/pass.txt"
must_refuse "wrong passphrase" "wrong --askpass passphrase"
client_conf udp 4 auth "key $T/enc.key" "auth-user-pass $T/up.txt"
must_refuse "no askpass" "give its passphrase with --askpass"

# everything asked on the terminal
mv "$T/client.log" "$T/client-file.log"
client_conf udp 4 auth "key $T/enc.key" "askpass" "auth-user-pass"
ip netns exec "$NS_C" python3 "$LIB_DIR/tty_answer.py" "$T/client.log" \
	"Enter Private Key Password:" "k3y pass" \
	"Enter Auth Username:" "bob" \
	"Enter Auth Password:" "typed s3cret" \
	-- "$DCOVPN" --config "$T/client.conf" &
CLI_PID=$!
wait_for 30 grep -q "Initialization Sequence Completed" "$T/client.log" ||
	fail "dcovpn did not come up with the answers typed on the terminal"
ping_both
grep -q "typed s3cret\|k3y pass" "$T/client.log" && fail "a secret was echoed or logged"
stop_pid "$CLI_PID"

# static-challenge (scrv1, echoed), then concat (hidden)
printf 'k3y pass\n' >"$T/pass.txt"
for fmt in "1|246810" "0 concat|135790"; do
	mv "$T/client.log" "$T/client-prev-$RANDOM.log"
	client_conf udp 4 auth "key $T/enc.key" "askpass $T/pass.txt" \
		"auth-user-pass $T/up.txt" "static-challenge \"Enter OTP\" ${fmt%|*}"
	ip netns exec "$NS_C" python3 "$LIB_DIR/tty_answer.py" "$T/client.log" \
		"CHALLENGE: Enter OTP" "${fmt#*|}" \
		-- "$DCOVPN" --config "$T/client.conf" &
	CLI_PID=$!
	wait_for 30 grep -q "Initialization Sequence Completed" "$T/client.log" ||
		fail "static-challenge ${fmt%|*}: the server did not accept the response"
	ping_both
	stop_pid "$CLI_PID"
done
grep -q "135790" "$T/client.log" && fail "the hidden response was echoed"

# credentials through the management interface
mv "$T/client.log" "$T/client-sc.log"
client_conf udp 4 auth "key $T/enc.key" "askpass" "auth-user-pass" \
	"management $T/m.sock unix" "management-query-passwords" "auth-retry interact"
ip netns exec "$NS_C" "$DCOVPN" --config "$T/client.conf" >"$T/client.log" 2>&1 &
CLI_PID=$!
in_c python3 "$LIB_DIR/mgmt_client.py" "$T/m.sock" \
	"expect:^>PASSWORD:Need 'Private Key' password" \
	'send:password "Private Key" "k3y pass"' \
	"expect:^SUCCESS: 'Private Key' password entered" \
	"expect:^>PASSWORD:Need 'Auth' username/password" \
	'send:username "Auth" bob' 'send:password "Auth" "not it"' \
	"expect:^>PASSWORD:Verification Failed: 'Auth'" \
	"expect:^>PASSWORD:Need 'Auth' username/password" \
	'send:username "Auth" bob' 'send:password "Auth" "typed s3cret"' \
	"expect:^SUCCESS: 'Auth' password entered" >"$T/mgmt.log" 2>&1 ||
	{ cat "$T/mgmt.log"; fail "credentials through management"; }
wait_for 30 grep -q "Initialization Sequence Completed" "$T/client.log" ||
	fail "dcovpn did not come up with credentials from management"
ping_both
grep -q "typed s3cret\|k3y pass" "$T/client.log" && fail "a secret was logged"
echo "PASS: $CASE"
