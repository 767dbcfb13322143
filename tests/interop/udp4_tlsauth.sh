#!/usr/bin/env bash
# UDP/IPv4, tls-auth (ta.key 0 / 1), AES-256-GCM.
. "$(dirname "$0")/lib.sh"
run_basic udp 4 auth
echo "PASS: $CASE"
