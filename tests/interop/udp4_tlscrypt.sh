#!/usr/bin/env bash
# UDP/IPv4, tls-crypt, AES-256-GCM.
. "$(dirname "$0")/lib.sh"
run_basic udp 4 crypt
echo "PASS: $CASE"
