#!/usr/bin/env bash
# Point-to-point TLS mode: openvpn --tls-server (no --mode server) and
# dcovpn --tls-client without --pull, both with --ifconfig, tls-crypt and
# keepalive. 2.6's P2P NCP decides cipher, TLS-EKM and the peer-id from
# the peers' IV_PROTO / IV_CIPHERS (the server's list order wins).
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
p2p_server_conf "data-ciphers CHACHA20-POLY1305:AES-256-GCM" "keepalive 10 60" "verb 4"
{ p2p_client_lines; printf '%s\n' "keepalive 10 60" "verb 4"; } >"$T/client.conf"
start_p2p_pair
ping_both
transfer "${MB:-20}" up
transfer "${MB:-20}" down
grep -q "P2P mode NCP negotiation result: TLS_export=1, DATA_v2=1" "$T/client.log" ||
	fail "P2P NCP did not negotiate EKM and DATA_V2"
grep -q "cipher 'CHACHA20-POLY1305'" "$T/client.log" || fail "not the server's first cipher"
# epoch data keys only with a peer that announces them (2.7: ovpn27_p2p)
want=${P2P_EPOCH:-0}
grep -q "P2P mode NCP negotiation result: .*epoch=$want," "$T/client.log" ||
	fail "P2P NCP: dcovpn did not log epoch=$want"
if [ "$want" = 1 ]; then
	grep -q "P2P mode NCP negotiation result: .*epoch=1," "$T/server.log" &&
		grep -q "Outgoing Epoch Data key 1" "$T/server.log" ||
		fail "the openvpn peer did not use epoch data keys"
fi
echo "PASS: $CASE"
