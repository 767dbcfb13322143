#!/usr/bin/env bash
# management-external-key: the client has its certificate but not its key;
# a manager holding the key (mgmt_extkey.py, python3-cryptography) signs
# each >PK_SIGN. An openvpn 2.6 client and a dcovpn client on the same
# config connect to one dcovpn server (TLS 1.3, EC P-256 key: ECDSA over
# the digest); what the manager receives must be the same lines apart from
# times and the data to sign, and both must complete. Then an RSA key with
# "nopadding" on dcovpn alone. Between them, management-external-cert:
# >NEED-CERTIFICATE answered by the certificate command, both compared (RSA_NO_PADDING over the PSS-padded block;
# openvpn 2.6.14 fails that handshake here before asking).
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
	in_c 1 timeout 60 /usr/bin/python3 "$LIB_DIR/mgmt_extkey.py" "$T/x.sock" \
		"${KEY:-$T/pki/cli1.key}" "$T/$kind.mgmt" "${FLAGS:-}" ${CERT:+"$CERT"} &
	mpid=$!
	wait "$mpid" || { cat "$T/$kind.mgmt"; fail "$kind: the manager did not see CONNECTED"; }
	wait_client 1
	stop_pid "${CLI_PIDS[1]}"
	# gone from a status written after the stop (one written before may
	# not list the client yet: the next one would get another address)
	local t0
	t0=$(date +%s)
	wait_for 10 awk -F, -v t0="$t0" '/^TIME,/ { t = $3 } /^CLIENT_LIST/ { c = 1 }
		END { exit !(t > t0 && !c) }' "$T/status" || fail "$kind client still listed"
}
ext_side openvpn
ext_side dcovpn

# compare TAG: the two transcripts, apart from times, data and signatures
compare() {
	diff -u <(norm "$T/openvpn$1.mgmt") <(norm "$T/dcovpn$1.mgmt") >"$T/diff$1" || {
		cat "$T/diff$1"
		fail "the manager saw different lines$1 (openvpn ---, dcovpn +++)"
	}
	log "$(grep -c '^< >PK_SIGN:' "$T/dcovpn$1.mgmt") signature(s) asked ($(grep -m1 -o '^< >PK_SIGN:[^,]*,.*' "$T/dcovpn$1.mgmt" | sed 's/:[^,]*,/:DATA,/')), $(grep -c . "$T/dcovpn$1.mgmt") lines identical to openvpn's apart from times and data"
}

for k in openvpn dcovpn; do mv "$T/$k.mgmt" "$T/$k-ec.mgmt"; done
# management-external-cert too: no cert line, the manager gives it
cp "$T/c1.conf" "$T/c1-ec.conf"
sed -i -e '/^cert /d' -e '$a management-external-cert macosx-keychain:subject:o=OpenVPN-TEST' \
	"$T/c1.conf"
CERT=$T/pki/cli1.crt
ext_side openvpn
ext_side dcovpn
for k in openvpn dcovpn; do mv "$T/$k.mgmt" "$T/$k-cert.mgmt"; done
CERT=
cp "$T/c1-ec.conf" "$T/c1.conf"

# The same with an RSA key (TLS 1.3 signs with PSS: a "nopadding" manager
# gets the block padded, RSA_NO_PADDING, from both)
openssl req -newkey rsa:2048 -nodes -keyout "$T/pki/rsa1.key" -out "$T/pki/rsa1.csr" \
	-subj "/CN=cli1" 2>/dev/null
openssl x509 -req -in "$T/pki/rsa1.csr" -CA "$T/pki/ca.crt" -CAkey "$T/pki/ca.key" \
	-CAcreateserial -days 2 -out "$T/pki/rsa1.crt" -extfile "$T/pki/ext.cnf" \
	-extensions cli 2>/dev/null
sed -i -e "s|^cert .*|cert $T/pki/rsa1.crt|" \
	-e 's/^management-external-key$/management-external-key nopadding/' "$T/c1.conf"
KEY=$T/pki/rsa1.key FLAGS=nopadding
ext_side dcovpn
mv "$T/dcovpn.mgmt" "$T/dcovpn-rsa.mgmt"
[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*.mgmt "$KEEP_LOGS"/

norm() {
	sed -E -e 's/^< (>STATE:)?[0-9]{9,},/< \1T,/' -e 's/^< >PK_SIGN:[^,]*,/< >PK_SIGN:DATA,/' \
		-e '/^> pk-sig$/,/^> END$/{/^> [A-Za-z0-9+\/=]+$/d}' "$1"
}
compare -ec
compare -cert
# openvpn 2.6.14 itself fails this handshake here ("EVP lib", before any
# >PK_SIGN), so dcovpn's RSA lines are checked alone
grep -q '^< >PK_SIGN:[^,]*,RSA_NO_PADDING$' "$T/dcovpn-rsa.mgmt" ||
	fail "RSA: no >PK_SIGN ...,RSA_NO_PADDING"
grep -q '^< SUCCESS: pk-sign command succeeded' "$T/dcovpn-rsa.mgmt" || fail "RSA: pk-sig not taken"
log "RSA key: $(grep -c '^< >PK_SIGN:' "$T/dcovpn-rsa.mgmt") signature(s) asked as RSA_NO_PADDING, connected"
echo "PASS: $CASE"
