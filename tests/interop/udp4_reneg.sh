#!/usr/bin/env bash
# UDP/IPv4, tls-crypt, server "reneg-sec 10": 40 s of continuous traffic
# (iperf3 at 20 Mbit/s and pings) across several server-started
# renegotiations (see run_reneg in lib.sh).
. "$(dirname "$0")/lib.sh"
run_reneg udp server
echo "PASS: $CASE"
