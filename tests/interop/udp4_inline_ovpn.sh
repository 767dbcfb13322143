#!/usr/bin/env bash
# A typical exported client.ovpn: inline <ca> <cert> <key> <tls-auth> with
# key-direction 1, "auth SHA256", a legacy "cipher AES-256-CBC" line (NCP
# must still pick AES-256-GCM), comments and quoting; the server has the
# same legacy lines. Ping both ways and a transfer.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
d=$T/pki
server_conf udp 4 auth "auth SHA256" "cipher AES-256-CBC" "data-ciphers AES-256-GCM:AES-128-GCM"
{
	echo "# exported profile"
	echo "client"
	echo "dev tun"
	echo "proto udp"
	echo "remote $UL4_S 1194 udp  ; the server"
	echo "resolv-retry infinite"
	echo "nobind"
	echo "persist-key"
	echo "persist-tun"
	echo "remote-cert-tls server"
	echo "auth SHA256"
	echo "cipher AES-256-CBC"
	echo "verify-x509-name 'ic-server' name"
	echo "verb 3"
	echo "key-direction 1"
	echo "<ca>"; cat "$d/ca.crt"; echo "</ca>"
	echo "<cert>"; cat "$d/client.crt"; echo "</cert>"
	echo "<key>"; cat "$d/client.key"; echo "</key>"
	echo "<tls-auth>"; cat "$d/ta.key"; echo "</tls-auth>"
} >"$T/client.conf"
start_server
start_client
ping_both
transfer "${MB:-20}" up
grep -q "cipher 'AES-256-GCM'" "$T/client.log" || fail "cipher not AES-256-GCM"
echo "PASS: $CASE"
