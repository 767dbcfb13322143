#!/usr/bin/env bash
# Point-to-point TLS mode: openvpn --tls-server (no --mode server) and
# dcovpn --tls-client without --pull, both with --ifconfig, tls-crypt and
# keepalive. 2.6's P2P NCP decides cipher, TLS-EKM and the peer-id from
# the peers' IV_PROTO / IV_CIPHERS (the server's list order wins).
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
d=$T/pki
cat >"$T/server.conf" <<X
dev tun
proto udp4
port 1194
tls-server
ca $d/ca.crt
cert $d/server.crt
key $d/server.key
dh none
tls-crypt $d/ta.key
ifconfig $TUN4_S 198.19.64.2
data-ciphers CHACHA20-POLY1305:AES-256-GCM
keepalive 10 60
verb 4
disable-dco
X
cat >"$T/client.conf" <<X
dev tun
proto udp
remote $UL4_S 1194
tls-client
ca $d/ca.crt
cert $d/client.crt
key $d/client.key
remote-cert-tls server
tls-crypt $d/ta.key
ifconfig 198.19.64.2 $TUN4_S
keepalive 10 60
verb 4
X
ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
SRV_PID=$!
wait_for 10 grep -q "UDPv4 link local" "$T/server.log" || fail "openvpn did not start"
start_client
wait_for 20 grep -q "Initialization Sequence Completed" "$T/server.log" ||
	fail "the openvpn peer did not complete initialization"
ping_both
transfer "${MB:-20}" up
transfer "${MB:-20}" down
grep -q "P2P mode NCP negotiation result: TLS_export=1, DATA_v2=1" "$T/client.log" ||
	fail "P2P NCP did not negotiate EKM and DATA_V2"
grep -q "cipher 'CHACHA20-POLY1305'" "$T/client.log" || fail "not the server's first cipher"
echo "PASS: $CASE"
