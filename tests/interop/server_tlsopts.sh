#!/usr/bin/env bash
# The same TLS options on a dcovpn server, with openvpn 2.6 clients: its
# certificate, key and CA from a password-protected pkcs12 (askpass), a
# capath directory besides, and verify-hash with the client CA's SHA256:
# c1 (signed by that CA) connects and carries traffic; c2, whose
# certificate comes from another CA the capath also trusts, is refused by
# verify-hash with OpenVPN's message.
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
d=$T/pki
# c2: another CA, trusted through capath only
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$d/ca2.key" -out "$d/ca2.crt" -days 2 -subj "/CN=sv-ca2" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/cli2.key" \
	-out "$d/cli2.csr" -subj "/CN=cli2" 2>/dev/null
openssl x509 -req -in "$d/cli2.csr" -CA "$d/ca2.crt" -CAkey "$d/ca2.key" -CAcreateserial \
	-days 2 -out "$d/cli2.crt" -extfile "$d/ext-cli2.cnf" -extensions cli 2>/dev/null
mkdir "$d/capath"
cp "$d/ca2.crt" "$d/capath/"
openssl rehash "$d/capath" || fail "openssl rehash"
openssl pkcs12 -export -in "$d/server.crt" -inkey "$d/server.key" -certfile "$d/ca.crt" \
	-passout pass:s3cret -out "$d/server.p12" || fail "openssl pkcs12"
echo s3cret >"$d/p12pass"
SHA256=$(openssl x509 -in "$d/ca.crt" -noout -fingerprint -sha256 | sed 's/.*=//')
server_conf udp none "tun-mtu 1400" "pkcs12 $d/server.p12" "askpass $d/p12pass" \
	"capath $d/capath" "verify-hash $SHA256 SHA256"
sed -i '/^\(ca\|cert\|key\) /d' "$T/server.conf"
# the client trusts the server's CA; c2 also trusts ca2 (its own)
client_conf 1 udp none disable-dco "tun-mtu 1400"
client_conf 2 udp none disable-dco "tun-mtu 1400"
start_server
start_client 1 openvpn
start_client 2 openvpn
wait_client 1
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1 ping"
xfer_up 1 2 5001 || fail "c1 traffic"
wait_for 15 grep -q "TLS Error: --tls-verify/--peer-fingerprint certificate hash verification failed" \
	"$T/server.log" || fail "c2 not refused by verify-hash"
! grep -q "Initialization Sequence Completed" "${CLI_LOG[2]}" || fail "c2 connected"
echo "PASS: $CASE"
