#!/usr/bin/env bash
# SIGHUP after a CRL change: two openvpn 2.6 clients connected to a dcovpn
# server with crl-verify, each sending a counted stream of pings (200, 50
# ms apart); cli2's certificate is revoked in the CRL file and the server
# gets SIGHUP. The server reloads in place: cli2 is ended at once (2.6's
# restart at SIGHUP would refuse it when it came back; without a signal a
# connected client stays until it renegotiates) and is refused when it
# tries again; cli1 loses not one ping.
. "$(dirname "$0")/server_lib.bash"
NPING=200
ns_setup 2
pki_make
d=$T/pki
crl_setup
ossl_ca -gencrl -out "$d/crl.pem"	# nobody revoked yet
server_conf udp crypt "crl-verify $d/crl.pem"
for i in 1 2; do client_conf "$i" udp crypt disable-dco; done
start_server
for i in 1 2; do start_client "$i" openvpn; done
for i in 1 2; do wait_client "$i"; done
for i in 1 2; do wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i ping"; done
in_c 1 ping -q -n -i 0.05 -W 1 -c "$NPING" "$TUN4_S" >"$T/ping1.out" 2>&1 &
ppid=$!
sleep 2
ossl_ca -revoke "$d/cli2.crt"
ossl_ca -gencrl -out "$d/crl.pem.new"
mv "$d/crl.pem.new" "$d/crl.pem"
kill -HUP "$SRV_PID"
wait_for 5 grep -q "cli2/.*certificate revoked by the CRL at the reload" "$T/server.log" ||
	fail "revoked cli2 not ended at the reload"
grep -q "SIGHUP: 1 clients ended: their certificates are revoked" "$T/server.log" ||
	fail "no summary of the revoked clients"
wait_for 30 grep -q "certificate revoked.*CN=cli2" "$T/server.log" ||
	fail "cli2 not refused when it came back"
for n in $(seq 150); do kill -0 "$ppid" 2>/dev/null || break; sleep 0.1; done
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$T/ping1.out")
[ "$got" = "$NPING" ] || { cat "$T/ping1.out"; fail "c1 lost pings at the reload: $got of $NPING back"; }
[ "$(grep -c 'Initialization Sequence Completed' "${CLI_LOG[1]}")" = 1 ] || fail "c1 reconnected"
log "cli2 ended and refused after the CRL change and SIGHUP; cli1 $got of $NPING pings, no reconnect"
echo "PASS: $CASE"
