#!/usr/bin/env bash
# TCP over IPv6 transport, no wrapping.
. "$(dirname "$0")/lib.sh"
run_basic tcp 6 none
echo "PASS: $CASE"
