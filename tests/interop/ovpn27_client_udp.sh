#!/usr/bin/env bash
# dcovpn client against an OpenVPN 2.7 server (UDP/IPv4, tls-crypt, 2.7's
# sample-config defaults): up, pings both ways, a transfer each way. The
# dcovpn client lists 2.7's DEFAULT in data-ciphers.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/lib.sh"
MB=${MB:-20}
CLIENT_EXTRA=("data-ciphers DEFAULT")
run_basic udp 4 crypt
# dcovpn announces dyn-tls-crypt and epoch keys in IV_PROTO, so the 2.7
# server pushes both beside the 2.6 flags.
grep -q "PUSH_REPLY.*protocol-flags cc-exit tls-ekm dyn-tls-crypt aead-epoch" "$T/server.log" ||
	fail "2.7 server did not push protocol-flags cc-exit tls-ekm dyn-tls-crypt aead-epoch"
echo "PASS: $CASE"
