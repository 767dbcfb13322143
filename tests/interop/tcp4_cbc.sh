#!/usr/bin/env bash
# The legacy data channel over TCP with OpenVPN's defaults for the rest:
# openvpn 2.6 server "data-ciphers AES-128-CBC" (auth left at SHA1),
# dcovpn client "data-ciphers AES-256-GCM:AES-128-CBC" (no --auth): the
# server picks AES-128-CBC; pings both ways, transfers up and down.
. "$(dirname "$0")/lib.sh"
SERVER_EXTRA=("data-ciphers AES-128-CBC")
CLIENT_EXTRA=("data-ciphers AES-256-GCM:AES-128-CBC")
MB=${MB:-10} run_basic tcp 4 crypt
grep -q "Data Channel: cipher 'AES-128-CBC', auth 'SHA1', key-id 0" "$T/client.log" ||
	fail "client did not use AES-128-CBC with SHA1"
grep -q "Outgoing Data Channel: Using 160 bit message hash 'SHA1'" "$T/server.log" ||
	fail "server did not use HMAC SHA1"
echo "PASS: $CASE"
