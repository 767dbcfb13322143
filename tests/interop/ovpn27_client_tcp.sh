#!/usr/bin/env bash
# dcovpn client against an OpenVPN 2.7 server (TCP/IPv4, tls-crypt, 2.7's
# sample-config defaults): up, pings both ways, a transfer each way.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/lib.sh"
MB=${MB:-20}
run_basic tcp 4 crypt
echo "PASS: $CASE"
