#!/usr/bin/env bash
# management-external-key: the client has its certificate but not its key;
# a manager holding the key (mgmt_extkey.py, with openssl pkeyutl) signs
# each >PK_SIGN. An openvpn 2.6 client and a dcovpn client on the same
# config connect to one dcovpn server (TLS 1.3, EC P-256 key: ECDSA over
# the digest); what the manager receives must be the same lines apart from
# times and the data to sign, and both must complete.
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
server_conf udp crypt
client_conf 1 udp crypt "management $T/x.sock unix" "management-hold" \
	"management-external-key" "explicit-exit-notify 1"
sed -i '/^key /d' "$T/c1.conf"
start_server

ext_side() {
	local kind=$1 mpid
	rm -f "$T/x.sock"
	start_client 1 "$kind"
	in_c 1 timeout 60 python3 "$LIB_DIR/mgmt_extkey.py" "$T/x.sock" \
		"$T/pki/cli1.key" "$T/$kind.mgmt" &
	mpid=$!
	wait "$mpid" || { cat "$T/$kind.mgmt"; fail "$kind: the manager did not see CONNECTED"; }
	wait_client 1
	stop_pid "${CLI_PIDS[1]}"
	wait_for 10 sh -c "! grep -q '^CLIENT_LIST' '$T/status'" || fail "$kind client still listed"
}
ext_side openvpn
ext_side dcovpn
[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*.mgmt "$KEEP_LOGS"/

norm() {
	sed -E -e 's/^< (>STATE:)?[0-9]{9,},/< \1T,/' -e 's/^< >PK_SIGN:[^,]*,/< >PK_SIGN:DATA,/' \
		-e '/^> pk-sig$/,/^> END$/{/^> [A-Za-z0-9+\/=]+$/d}' "$1"
}
diff -u <(norm "$T/openvpn.mgmt") <(norm "$T/dcovpn.mgmt") >"$T/diff" || {
	cat "$T/diff"
	fail "the manager saw different lines (openvpn ---, dcovpn +++)"
}
n=$(grep -c '^< >PK_SIGN:' "$T/dcovpn.mgmt")
log "$n signature(s) asked ($(grep -m1 -o '^< >PK_SIGN:[^,]*,.*' "$T/dcovpn.mgmt" | sed 's/:[^,]*,/:DATA,/')), $(grep -c . "$T/dcovpn.mgmt") lines identical to openvpn's apart from times and data"
echo "PASS: $CASE"
