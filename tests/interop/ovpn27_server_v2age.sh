#!/usr/bin/env bash
# dcovpn server with OpenVPN 2.7's --tls-crypt-v2-max-age 1: a 2.7 client
# whose key 2.7's --genkey stamped (timestamp metadata) and a dcovpn client
# whose key dcovpn stamped get in; a 2.7 client whose key carries user
# metadata (no timestamp) is refused, as a 2.7 server refuses it.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/server_lib.bash"
ns_setup 3
pki_make
server_conf udp v2 "tls-crypt-v2-max-age 1"
for i in 1 2; do client_conf "$i" udp v2; done
# c3: user metadata instead of a timestamp
"$OPENVPN" --tls-crypt-v2 "$T/pki/v2server.key" --genkey tls-crypt-v2-client \
	"$T/pki/v2c3.key" "ZGNvdnBuIHRlc3Q=" >/dev/null
client_conf 3 udp v2 "hand-window 6"
start_server
kind=(- openvpn dcovpn)
for i in 1 2; do start_client "$i" "${kind[$i]}"; done
for i in 1 2; do wait_client "$i"; done
for i in 1 2; do
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i: no ping over the tunnel"
done
log "stamped keys (2.7's and dcovpn's) accepted"
start_client 3 openvpn
wait_for 20 grep -q "no timestamp metadata (--tls-crypt-v2-max-age 1)" "$T/server.log" ||
	fail "c3's key without timestamp: no refusal in the server log"
wait_for 20 grep -q "TLS key negotiation failed" "${CLI_LOG[3]}" ||
	fail "c3 with a key without timestamp: no handshake timeout"
! grep -q "Initialization Sequence Completed" "${CLI_LOG[3]}" || fail "c3 got in"
log "key without timestamp refused"
echo "PASS: $CASE"
