#!/usr/bin/env bash
# The legacy data channel with OpenVPN 2.7 in both roles: a 2.7 server
# with "cipher AES-256-CBC", "data-ciphers AES-256-CBC", "auth SHA256"
# reached by dcovpn; then a dcovpn server (data-ciphers AES-256-GCM:
# AES-256-CBC) serving a 2.7 client that allows only AES-256-CBC. Each:
# pings both ways and a transfer each way on AES-256-CBC + SHA256.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/lib.sh"
MB=${MB:-10}
SERVER_EXTRA=("cipher AES-256-CBC" "data-ciphers AES-256-CBC" "auth SHA256")
CLIENT_EXTRA=("data-ciphers AES-256-CBC" "auth SHA256")
run_basic udp 4 crypt
grep -q "Data Channel: cipher 'AES-256-CBC', auth 'SHA256', key-id 0" "$T/client.log" ||
	fail "dcovpn client is not on AES-256-CBC + SHA256"
grep -q "Outgoing Data Channel: Cipher 'AES-256-CBC'" "$T/server.log" ||
	fail "2.7 server is not on AES-256-CBC"
log "dcovpn client -> 2.7 server: pings and $MB MB each way"

# roles swapped: the same namespaces and configs, dcovpn serving
stop_pid "$CLI_PID"
stop_pid "$SRV_PID"
sed -i '/^cipher AES-256-CBC$/d; s/^data-ciphers AES-256-CBC$/data-ciphers AES-256-GCM:AES-256-CBC/' \
	"$T/server.conf"
echo disable-dco >>"$T/client.conf"
start_pair "$DCOVPN" "$OPENVPN" "2.7 client -> dcovpn server"
grep -q "Outgoing Data Channel: Cipher 'AES-256-CBC'" "$T/client.log" ||
	fail "2.7 client is not on AES-256-CBC"
grep -q "Using 256 bit message hash 'SHA256'" "$T/client.log" ||
	fail "2.7 client does not use HMAC SHA256"
ping_both
transfer "$MB" up
transfer "$MB" down
echo "PASS: $CASE"
