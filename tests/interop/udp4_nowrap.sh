#!/usr/bin/env bash
# UDP over IPv4, no control-channel wrapping, AES-256-GCM (the default).
. "$(dirname "$0")/lib.sh"
run_basic udp 4 none
grep -q "Data Channel: cipher 'AES-256-GCM'" "$T/client.log" || fail "cipher not AES-256-GCM"
echo "PASS: $CASE"
