#!/usr/bin/env bash
# crl-verify, against Debian's openvpn 2.6 clients (and a dcovpn client):
#  - the dcovpn server with "crl-verify crl.pem": a good client connects, a
#    revoked one is refused at the TLS handshake, the server log says why;
#  - the CRL file is rewritten to revoke the good client too: its next
#    connection is refused, with no server restart;
#  - "crl-verify DIR dir" (a file named after a revoked serial);
#  - a dcovpn client with a CRL that revokes the server's certificate
#    refuses the server.
. "$(dirname "$0")/server_lib.bash"
ns_setup 3
pki_make
d=$T/pki
crl_setup
revoke() { ossl_ca -revoke "$d/$1.crt"; }
gencrl() { ossl_ca -gencrl -out "$1"; }
cp "$d/index.txt" "$d/index.empty"
revoke server
gencrl "$d/crl-server.pem"          # for the client-side check at the end
cp "$d/index.empty" "$d/index.txt"
revoke cli2
gencrl "$d/crl.pem"

server_conf udp auth "crl-verify $d/crl.pem"
for i in 1 2 3; do client_conf "$i" udp auth; done
start_server
start_client 1 openvpn
wait_client 1
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "good client: no ping"
start_client 2 openvpn
wait_for 20 grep -q "certificate revoked.*CN=cli2" "$T/server.log" ||
	fail "revoked cli2 not refused with a reason in the server log"
grep -q "Initialization Sequence Completed" "${CLI_LOG[2]}" && fail "revoked cli2 got in"
stop_pid "${CLI_PIDS[2]}"
log "cli2 refused: $(grep -m1 'certificate revoked' "$T/server.log" | cut -c1-110)"

# revoke cli1 as well, rewrite the file; the server is not restarted
revoke cli1
gencrl "$d/crl.pem.new"
mv "$d/crl.pem.new" "$d/crl.pem"
stop_pid "${CLI_PIDS[1]}"
mv "${CLI_LOG[1]}" "$T/c1-first.log"
start_client 1 openvpn
wait_for 20 grep -q "certificate revoked.*CN=cli1" "$T/server.log" ||
	fail "cli1 still accepted after the CRL file changed"
grep -q "crl-verify: reloaded" "$T/server.log" || fail "no reload logged"
stop_pid "${CLI_PIDS[1]}"

# crl-verify DIR dir: cli3's serial (decimal) as a file name revokes it
stop_pid "$SRV_PID"
mkdir "$T/crldir"
serial=$(python3 -c "print(int('$(openssl x509 -in "$d/cli3.crt" -noout -serial | cut -d= -f2)', 16))")
touch "$T/crldir/$serial"
server_conf udp auth "crl-verify $T/crldir dir"
mv "$T/server.log" "$T/server-file.log"
start_server
start_client 3 openvpn
wait_for 20 grep -q "VERIFY CRL: certificate serial number $serial is revoked" "$T/server.log" ||
	fail "dir mode: cli3 not refused"
stop_pid "${CLI_PIDS[3]}"
mv "${CLI_LOG[1]}" "$T/c1-revoked.log"
start_client 1 openvpn                # revoked in the file, not in the dir
wait_client 1
stop_pid "${CLI_PIDS[1]}"

# the client side: a dcovpn client whose CRL revokes the server
client_conf 3 udp auth "crl-verify $d/crl-server.pem"
mv "${CLI_LOG[3]}" "$T/c3-dir.log"
start_client 3 dcovpn
wait_for 20 grep -q "certificate revoked" "${CLI_LOG[3]}" ||
	fail "dcovpn client did not refuse the revoked server"
grep -q "Initialization Sequence Completed" "${CLI_LOG[3]}" && fail "dcovpn client accepted a revoked server"
echo "PASS: $CASE"
