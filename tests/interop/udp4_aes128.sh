#!/usr/bin/env bash
# UDP/IPv4, tls-auth; the client prefers AES-128-GCM, the server offers AES-128-GCM first.
. "$(dirname "$0")/lib.sh"
SERVER_EXTRA=("data-ciphers AES-128-GCM:AES-256-GCM")
CLIENT_EXTRA=("data-ciphers AES-128-GCM")
run_basic udp 4 auth
grep -q "cipher .AES-128-GCM." "$T/client.log" || fail "cipher not AES-128-GCM"
echo "PASS: $CASE"
