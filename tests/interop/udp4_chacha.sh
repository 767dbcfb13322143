#!/usr/bin/env bash
# UDP/IPv4, tls-crypt; the server offers only CHACHA20-POLY1305.
. "$(dirname "$0")/lib.sh"
SERVER_EXTRA=("data-ciphers CHACHA20-POLY1305")
run_basic udp 4 crypt
grep -q "cipher .CHACHA20-POLY1305." "$T/client.log" || fail "cipher not CHACHA20-POLY1305"
echo "PASS: $CASE"
