#!/usr/bin/env bash
# dcovpn client against an OpenVPN 2.7 server (UDP, tls-crypt): epoch data
# keys negotiated (dcovpn announces IV_PROTO_DATA_EPOCH, 2.7 pushes
# "protocol-flags ... aead-epoch"). The client's engine moves epochs on
# after DCOVPN_TEST_EPOCH_LIMIT blocks + packets instead of 2.7's 2^36 - 1,
# so the transfer each way crosses several rotations: the 2.7 server's log
# names each new epoch it received from dcovpn and follows it with its own
# send key, and both transfers arrive intact. CIPHER (default
# CHACHA20-POLY1305, which 2.7 never rotates by itself; ovpn27_epoch_server
# runs AES-256-GCM) is the only one the client offers.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/lib.sh"
MB=${MB:-16}
CIPHER=${CIPHER:-CHACHA20-POLY1305}
CLIENT_EXTRA=("data-ciphers $CIPHER")
export DCOVPN_TEST_EPOCH_LIMIT=${EPOCH_LIMIT:-150000}
run_basic udp 4 crypt
ov27_epochs "$T/server.log" server
grep -q "cipher '$CIPHER', key-id 0, key derivation TLS-EKM, epoch data keys" "$T/client.log" ||
	fail "dcovpn client did not install epoch data keys"
log "$CIPHER: $MB MB each way over $EPOCHS epoch changes seen by the 2.7 server"
echo "PASS: $CASE"
