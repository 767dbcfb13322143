#!/usr/bin/env bash
# TCP/IPv4 (proto tcp-client against tcp-server), tls-crypt.
. "$(dirname "$0")/lib.sh"
run_basic tcp 4 crypt
echo "PASS: $CASE"
