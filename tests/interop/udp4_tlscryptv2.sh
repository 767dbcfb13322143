#!/usr/bin/env bash
# UDP/IPv4, tls-crypt-v2 (client key wrapped by the server key; the 2.6
# server asks for WKc again after its stateless reset).
. "$(dirname "$0")/lib.sh"
# The client key is made by dcovpn --genkey (user metadata): the openvpn
# server must unwrap it.
V2CLI_BY_DCOVPN=1
run_basic udp 4 crypt2
echo "PASS: $CASE"
