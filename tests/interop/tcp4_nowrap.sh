#!/usr/bin/env bash
# TCP/IPv4, no wrapping.
. "$(dirname "$0")/lib.sh"
run_basic tcp 4 none
echo "PASS: $CASE"
