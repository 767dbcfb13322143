#!/usr/bin/env bash
# Credentials reaching auth-user-pass-verify, compared with openvpn 2.6 as
# the server on the same configuration:
#  - via-env (script-security 3): a 300-byte username and a 1200-byte
#    password arrive whole (OpenVPN takes up to 4095 bytes each, its client
#    sends what fits its key-method-2 message, ~1.7 kB in all; dcovpn used
#    to cut them to 1023);
#    (an openvpn 2.6 client);
#  - via-file: control bytes (^A, ESC, TAB) inside the username and
#    password become '_' as OpenVPN's verify_user_pass maps them (string_mod
#    CC_PRINT minus CC_CRLF, the class CR and LF belong to), so none reaches
#    the credentials file or the environment (dcovpn used to write them
#    raw). A dcovpn client sends them: openvpn's client drops them, and no
#    stock client can put CR or LF inside a credential (both end a line of
#    its file); a hostile one can, and they take the same path.
# The script records what it got; the records of both servers must match.
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
cat >"$T/auth.sh" <<'X'
#!/bin/sh
d=$(dirname "$0")
if [ -n "$1" ]; then
	od -An -c "$1" | tr -s ' ' >"$d/rec.file"
	echo "user=$username" | od -An -c | tr -s ' ' >"$d/rec.env"
else
	printf '%s %s %s\n' "${#username}" "${#password}" \
		"$(printf '%s/%s' "$username" "$password" | sha256sum | cut -c1-16)" >"$d/rec.env"
fi
exit 0
X
chmod +x "$T/auth.sh"
long_u=$(head -c 300 /dev/zero | tr '\0' u)
long_p=$(head -c 1200 /dev/zero | tr '\0' p)

# one KIND(openvpn|dcovpn) MODE(via-env|via-file) CLIENT: a client connects once;
# the script's record is kept as rec-KIND-MODE.*
one() {
	local kind=$1 mode=$2 cli=$3 bin=$DCOVPN ss=2
	[ "$kind" = openvpn ] && bin=$OPENVPN
	[ "$mode" = via-env ] && ss=3
	rm -f "$T/rec.env" "$T/rec.file"
	server_conf udp none "script-security $ss" "auth-user-pass-verify $T/auth.sh $mode"
	ip netns exec "$NS_S" "$bin" --config "$T/server.conf" >"$T/server-$kind-$mode.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server-$kind-$mode.log" ||
		fail "$kind server did not start"
	client_conf 1 udp none disable-dco "auth-user-pass $T/up.txt"
	rm -f "$T/c1-$cli.log"   # wait_client must not see the last run's
	start_client 1 "$cli"
	wait_client 1
	stop_pid "${CLI_PIDS[1]}"
	stop_pid "$SRV_PID"
	SRV_PID=
	[ -f "$T/rec.env" ] || fail "$kind $mode: the script did not run"
	cp "$T/rec.env" "$T/rec-$kind-$mode.env"
	[ -f "$T/rec.file" ] && cp "$T/rec.file" "$T/rec-$kind-$mode.file"
	return 0
}

printf '%s\n%s\n' "$long_u" "$long_p" >"$T/up.txt"
one openvpn via-env openvpn
one dcovpn via-env openvpn
printf 'us\001er\033x\np\ta\002ss\n' >"$T/up.txt"
one openvpn via-file dcovpn
one dcovpn via-file dcovpn
grep -q 'u s _ e r _ x' "$T/rec-openvpn-via-file.file" ||
	fail "reference: openvpn did not map the control bytes ($(cat "$T/rec-openvpn-via-file.file"))"
ok=1
for f in via-env.env via-file.env via-file.file; do
	diff "$T/rec-openvpn-$f" "$T/rec-dcovpn-$f" >"$T/diff" || {
		echo "# $f differs (< openvpn, > dcovpn):"; sed 's/^/#   /' "$T/diff"; ok=0; }
done
grep -q '^300 1200 ' "$T/rec-openvpn-via-env.env" ||
	fail "reference: openvpn did not pass the long credentials ($(cat "$T/rec-openvpn-via-env.env"))"
[ "$ok" = 1 ] || fail "credentials differ from openvpn's"
log "via-env: $(cat "$T/rec-dcovpn-via-env.env"); via-file: $(tr -d '\n' <"$T/rec-dcovpn-via-file.file")"
echo "PASS: $CASE"
