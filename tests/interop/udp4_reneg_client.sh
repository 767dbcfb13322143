#!/usr/bin/env bash
# UDP/IPv4, tls-crypt, client "reneg-sec 10": the renegotiations are
# started by dcovpn (soft reset with key-ids 1, 2, ...), under traffic.
. "$(dirname "$0")/lib.sh"
run_reneg udp client
echo "PASS: $CASE"
