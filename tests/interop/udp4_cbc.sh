#!/usr/bin/env bash
# The legacy data channel against a server that still runs CBC: openvpn 2.6
# with "cipher AES-256-CBC", "data-ciphers AES-256-CBC" and "auth SHA256"
# pushes AES-256-CBC; dcovpn (data-ciphers AES-256-CBC, auth SHA256) takes
# it. Pings both ways, transfers up and down with matching SHA-256; then
# real packets from the server replayed and tampered with (one bit flipped)
# are dropped and counted (the engine's counters, logged at exit) while
# the tunnel keeps working; then a renegotiation (server reneg-sec) and a
# ping under the new key.
. "$(dirname "$0")/lib.sh"
SERVER_EXTRA=("cipher AES-256-CBC" "data-ciphers AES-256-CBC" "auth SHA256" "reneg-sec 25")
CLIENT_EXTRA=("data-ciphers AES-256-CBC" "auth SHA256")
MB=${MB:-20} run_basic udp 4 auth
grep -q "Data Channel: cipher 'AES-256-CBC', auth 'SHA256', key-id 0" "$T/client.log" ||
	fail "client did not use AES-256-CBC with SHA256"
grep -q "Outgoing Data Channel: Cipher 'AES-256-CBC'" "$T/server.log" ||
	fail "server did not use AES-256-CBC"
grep -q "Outgoing Data Channel: Using 256 bit message hash 'SHA256'" "$T/server.log" ||
	fail "server did not use HMAC SHA256"

# Hostile copies of the server's packets, from the server's address.
cport=$(grep -o "$UL4_C:[0-9]*" "$T/server.log" | head -n1 | cut -d: -f2)
[ -n "$cport" ] || fail "client port not in the server log"
hostile_from_server "$cport"

wait_for 40 grep -q "Data Channel: cipher 'AES-256-CBC', auth 'SHA256', key-id 1" "$T/client.log" ||
	fail "no renegotiation"
sleep 1
in_c ping -c3 -i0.2 -W2 "$TUN4_S" >/dev/null || fail "ping after renegotiation"

client_drops_cover
echo "PASS: $CASE"
