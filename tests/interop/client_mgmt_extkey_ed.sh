#!/usr/bin/env bash
# management-external-key with EdDSA keys: a client certificate with an
# Ed25519 key, then one with an Ed448 key; the manager (mgmt_extkey.py,
# python3-cryptography) holds the key and answers each >PK_SIGN. An
# openvpn 2.6 client and a dcovpn client on the same config connect to
# one dcovpn server (TLS 1.3); OpenVPN 2.6 asks "ED25519,data=message" /
# "ED448,data=message" over the message to sign (xkey_helper.c): what the
# manager receives must be the same lines apart from times and data, and
# both clients must complete.
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
server_conf udp crypt
client_conf 1 udp crypt "management $T/x.sock unix" "management-hold" \
	"management-external-key" "explicit-exit-notify 1"
sed -i '/^key /d' "$T/c1.conf"
start_server

# ed_cert ALG: $T/pki/ALG.crt for CN cli1 with a new ALG key (ALG.key)
ed_cert() {
	local d=$T/pki
	openssl genpkey -algorithm "$1" -out "$d/$1.key" 2>/dev/null
	openssl req -new -key "$d/$1.key" -out "$d/$1.csr" -subj "/CN=cli1" 2>/dev/null
	openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -out "$d/$1.crt" -extfile "$d/ext.cnf" \
		-extensions cli 2>/dev/null || fail "no $1 certificate"
}

# ext_side KIND ALG: KIND's client with the ALG certificate; the manager's
# lines in $T/KIND-ALG.mgmt
ext_side() {
	local kind=$1 alg=$2 mpid t0
	rm -f "$T/x.sock"
	sed -i "s|^cert .*|cert $T/pki/$alg.crt|" "$T/c1.conf"
	start_client 1 "$kind"
	in_c 1 timeout 60 /usr/bin/python3 "$LIB_DIR/mgmt_extkey.py" "$T/x.sock" \
		"$T/pki/$alg.key" "$T/$kind-$alg.mgmt" "" &
	mpid=$!
	wait "$mpid" || { cat "$T/$kind-$alg.mgmt"; fail "$kind $alg: the manager did not see CONNECTED"; }
	wait_client 1
	stop_pid "${CLI_PIDS[1]}"
	t0=$(date +%s)
	wait_for 10 awk -F, -v t0="$t0" '/^TIME,/ { t = $3 } /^CLIENT_LIST/ { c = 1 }
		END { exit !(t > t0 && !c) }' "$T/status" || fail "$kind client still listed"
}

norm() {
	sed -E -e 's/^< (>STATE:)?[0-9]{9,},/< \1T,/' -e 's/^< >PK_SIGN:[^,]*,/< >PK_SIGN:DATA,/' \
		-e '/^> pk-sig$/,/^> END$/{/^> [A-Za-z0-9+\/=]+$/d}' "$1"
}

for alg in ED25519 ED448; do
	ed_cert "$alg"
	ext_side openvpn "$alg"
	ext_side dcovpn "$alg"
	diff -u <(norm "$T/openvpn-$alg.mgmt") <(norm "$T/dcovpn-$alg.mgmt") >"$T/diff-$alg" || {
		cat "$T/diff-$alg"
		fail "$alg: the manager saw different lines (openvpn ---, dcovpn +++)"
	}
	grep -q "^< >PK_SIGN:[^,]*,$alg,data=message\$" "$T/dcovpn-$alg.mgmt" ||
		fail "$alg: no >PK_SIGN:...,$alg,data=message"
	log "$alg: $(grep -c '^< >PK_SIGN:' "$T/dcovpn-$alg.mgmt") signature(s) asked ($alg,data=message), $(grep -c . "$T/dcovpn-$alg.mgmt") lines identical to openvpn's apart from times and data"
done
[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*.mgmt "$KEEP_LOGS"/
echo "PASS: $CASE"
