#!/usr/bin/env bash
# Point-to-point TLS mode on the legacy data channel: openvpn --tls-server
# lists only AES-256-CBC (auth SHA512 on both), dcovpn --tls-client allows
# AES-256-GCM:AES-256-CBC; 2.6's P2P NCP settles on AES-256-CBC + SHA512.
# Pings both ways, a transfer each way.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
p2p_server_conf "data-ciphers AES-256-CBC" "auth SHA512" "keepalive 10 60" "verb 4"
{ p2p_client_lines; printf '%s\n' "data-ciphers AES-256-GCM:AES-256-CBC" \
	"auth SHA512" "keepalive 10 60" "verb 4"; } >"$T/client.conf"
start_p2p_pair
ping_both
transfer "${MB:-10}" up
transfer "${MB:-10}" down
grep -q "Data Channel: cipher 'AES-256-CBC', auth 'SHA512'" "$T/client.log" ||
	fail "dcovpn is not on AES-256-CBC + SHA512"
grep -q "Outgoing Data Channel: Using 512 bit message hash 'SHA512'" "$T/server.log" ||
	fail "openvpn is not on HMAC SHA512"
echo "PASS: $CASE"
