#!/usr/bin/env bash
# TCP/IPv4, tls-crypt, server "reneg-sec 10" under traffic: renegotiation
# over the engine-owned TCP stream.
. "$(dirname "$0")/lib.sh"
run_reneg tcp server
echo "PASS: $CASE"
