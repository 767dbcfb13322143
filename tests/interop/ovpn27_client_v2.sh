#!/usr/bin/env bash
# dcovpn client against an OpenVPN 2.7 server with tls-crypt-v2 (both keys
# made by 2.7's --genkey): up, pings both ways, a transfer each way.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/lib.sh"
MB=${MB:-5}
run_basic udp 4 crypt2
echo "PASS: $CASE"
