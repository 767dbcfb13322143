#!/usr/bin/env bash
# UDP/IPv4, tls-auth; the client allows only AES-128-GCM (also as --cipher,
# so the pushed cipher equals the configured one); the server offers it first.
. "$(dirname "$0")/lib.sh"
SERVER_EXTRA=("data-ciphers AES-128-GCM:AES-256-GCM")
CLIENT_EXTRA=("data-ciphers AES-128-GCM" "cipher AES-128-GCM")
run_basic udp 4 auth
grep -q "cipher .AES-128-GCM." "$T/client.log" || fail "cipher not AES-128-GCM"
echo "PASS: $CASE"
