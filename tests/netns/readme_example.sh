#!/bin/bash
# The README's dcovpn-cli example, as written there (wildcard local address,
# default cipher and keepalive, a data64.key made the README's way).
. "$(dirname "$0")/lib.sh"
ns_setup
cd "$T"
head -c 256 /dev/urandom | base64 >data64.key
cli_start a udp i4 0.0.0.0 1194 198.18.0.2 1194 198.19.0.1 255.255.255.0 198.19.0.2 data64.key 0
cli_start b udp i4 0.0.0.0 1194 198.18.0.1 1194 198.19.0.2 255.255.255.0 198.19.0.1 data64.key 1
tunnel_wait
ping_both 3
xfer a b 1
