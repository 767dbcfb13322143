#!/usr/bin/env bash
# Hostile certificate names (openvpn 2.6 clients, certificates made with the
# openssl CLI, signed by the CA): a CN with a newline that would forge a
# CLIENT_LIST line, control bytes, two 64-character CNs differing in the
# last one, shell metacharacters, '/' and '..'. As OpenVPN 2.6 does, the
# name is mapped at the source (control bytes to '_', 64 characters kept),
# so the status file, management `status`, the log and the client-connect
# environment all see the same safe name; '/' reads ccd file "a_b", '..'
# reads none; a certificate without a CN is refused with OpenVPN's message.
. "$(dirname "$0")/server_lib.bash"
ns_setup 8
pki_make
X63=$(printf 'x%.0s' $(seq 63))
NL_CN=$'evil\nCLIENT_LIST,forged,1.2.3.4:5'
CTL_CN=$'ctl\x01\x1b[31m\x7fend'
# shellcheck disable=SC2016 # the name must not expand, anywhere
SH_CN='$(touch pwned)`touch pwned`;|&<>'
SUBJ=("/CN=$NL_CN" "/CN=$CTL_CN" "/CN=${X63}a" "/CN=${X63}b" "/CN=$SH_CN" \
	'/CN=a\/b' '/CN=..' '/O=nocn')
# what each of c1..c7 must be called
WANT=("evil_CLIENT_LIST,forged,1.2.3.4:5" "ctl__[31m_end" "${X63}a" "${X63}b" \
	"$SH_CN" "a/b" "..")
for i in $(seq 1 8); do
	d=$T/pki
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/cli$i.key" -out "$d/cli$i.csr" -subj "${SUBJ[$((i - 1))]}" \
		2>/dev/null || fail "openssl req for c$i"
	openssl x509 -req -in "$d/cli$i.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -out "$d/cli$i.crt" -extfile "$d/ext-cli$i.cnf" \
		-extensions cli 2>/dev/null || fail "openssl x509 for c$i"
done
mkdir "$T/ccd"
echo 'push "setenv-safe FROM_CCD yes"' >"$T/ccd/a_b"
env_recorder "$T/connect.sh" X509_0_CN
server_conf udp none "tun-mtu 1400" "script-security 2" "client-connect $T/connect.sh" \
	"client-config-dir $T/ccd" "management $T/m.sock unix"
for i in $(seq 1 8); do
	client_conf "$i" udp none disable-dco "tun-mtu 1400"
done
start_server
for i in $(seq 1 8); do
	start_client "$i" openvpn
done
for i in $(seq 1 7); do
	wait_client "$i"
done
wait_for 10 grep -qF "VERIFY ERROR: could not extract CN from X509 subject string ('O=nocn') -- note that the field length is limited to 64 characters" \
	"$T/server.log" || fail "a certificate without a CN is not refused with OpenVPN's message"
grep -q "Initialization Sequence Completed" "${CLI_LOG[8]}" && fail "c8 (no CN) was let in"
wait_for 10 in_c 6 ping -c1 -W1 "$TUN4_S" || fail "c6 ping"

# names_ok FILE WHAT: the report in FILE lists c1..c7 by their safe names,
# one CLIENT_LIST line each, nothing forged, no control byte
names_ok() {
	local f=$1 what=$2 n
	n=$(grep -c '^CLIENT_LIST,' "$f")
	[ "$n" -eq 7 ] || fail "$what: $n CLIENT_LIST lines, want 7"
	! grep -q '^CLIENT_LIST,forged' "$f" || fail "$what: forged line"
	! LC_ALL=C grep -qP '[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]' "$f" || fail "$what: control bytes"
	for n in "${WANT[@]}"; do
		grep -qF "CLIENT_LIST,$n,198.18.66." "$f" || fail "$what: no line for '$n'"
	done
}
sleep 1.2
names_ok "$T/status" "status file"
python3 "$LIB_DIR/mgmt_client.py" "$T/m.sock" "send:status 2" "expect:^END" close |
	sed -n 's/^< //p' | tr -d '\r' >"$T/mgmt.out" || fail "management status"
names_ok "$T/mgmt.out" "management status"
! grep -q '^CLIENT_LIST\|^forged' "$T/server.log" || fail "log: forged line"
! LC_ALL=C grep -qP '[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]' "$T/server.log" || fail "log: control bytes"
grep -qF "OPTIONS IMPORT: reading client specific options from: $T/ccd/a_b" "$T/server.log" ||
	fail "ccd file a_b not read for CN a/b"
! grep -q "client specific options from: $T/ccd/\.\." "$T/server.log" || fail "ccd .. read"
grep -q "FROM_CCD" "${CLI_LOG[6]}" || fail "c6 did not get its ccd push"
for f in pwned "$T/pwned" /pwned; do
	[ ! -e "$f" ] || fail "a name ran a command ($f exists)"
done
# the client-connect environment: the same names, byte for byte
env_recorded "${WANT[@]}" || fail "client-connect environment (common_name, X509_0_CN)"
echo "PASS: $CASE"
