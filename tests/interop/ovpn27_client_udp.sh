#!/usr/bin/env bash
# dcovpn client against an OpenVPN 2.7 server (UDP/IPv4, tls-crypt, 2.7's
# sample-config defaults): up, pings both ways, a transfer each way. The
# dcovpn client lists 2.7's DEFAULT in data-ciphers.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/lib.sh"
MB=${MB:-20}
CLIENT_EXTRA=("data-ciphers DEFAULT")
run_basic udp 4 crypt
echo "PASS: $CASE"
