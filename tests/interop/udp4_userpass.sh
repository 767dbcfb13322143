#!/usr/bin/env bash
# UDP/IPv4, tls-auth, auth-user-pass checked by the server's
# auth-user-pass-verify script: the right password connects; a wrong one
# gets AUTH_FAILED and dcovpn exits with an error.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
cat >"$T/auth.sh" <<'X'
#!/bin/sh
[ "$(sed -n 1p "$1")" = "alice" ] && [ "$(sed -n 2p "$1")" = "s3cret pass" ]
X
chmod +x "$T/auth.sh"
printf 'alice\ns3cret pass\n' >"$T/up.txt"
server_conf udp 4 auth "script-security 2" "auth-user-pass-verify $T/auth.sh via-file"
client_conf udp 4 auth "auth-user-pass $T/up.txt"
start_server
start_client
ping_both
transfer "${MB:-5}" up
grep -q "s3cret" "$T/client.log" && fail "the password appears in the log"
stop_pid "$CLI_PID"
CLI_PID=
# Now the wrong password: AUTH_FAILED, exit status non-zero, bounded.
printf 'alice\nwrong\n' >"$T/up.txt"
mv "$T/client.log" "$T/client-ok.log"
set +e
timeout 40 ip netns exec "$NS_C" "$DCOVPN" --config "$T/client.conf" >"$T/client.log" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "wrong password: exit status $rc (want an error, not a hang)"
grep -q "AUTH_FAILED" "$T/client.log" || fail "no AUTH_FAILED in the client log"
echo "PASS: $CASE"
