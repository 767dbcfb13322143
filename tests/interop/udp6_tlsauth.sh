#!/usr/bin/env bash
# UDP over IPv6 transport, tls-auth, plus an IPv6 ping inside the tunnel.
. "$(dirname "$0")/lib.sh"
run_basic udp 6 auth
ping6_both
echo "PASS: $CASE"
