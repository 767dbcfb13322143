#!/usr/bin/env bash
# dcovpn client against an OpenVPN 2.7 server (UDP, tls-crypt): epoch data
# keys negotiated (dcovpn announces IV_PROTO_DATA_EPOCH, 2.7 pushes
# "protocol-flags ... aead-epoch"). The client's engine moves epochs on
# after DCOVPN_TEST_EPOCH_LIMIT blocks + packets instead of 2.7's 2^36 - 1,
# so the transfer each way crosses several rotations: the 2.7 server's log
# names each new epoch it received from dcovpn and follows it with its own
# send key, and both transfers arrive intact.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/lib.sh"
MB=${MB:-16}
export DCOVPN_TEST_EPOCH_LIMIT=${EPOCH_LIMIT:-150000}
run_basic udp 4 crypt
grep -q "PUSH_REPLY.*protocol-flags .*aead-epoch" "$T/server.log" ||
	fail "the 2.7 server did not push aead-epoch"
grep -q "key derivation TLS-EKM, epoch data keys" "$T/client.log" ||
	fail "dcovpn client did not install epoch data keys"
grep -q "Outgoing Epoch Data key 1" "$T/server.log" ||
	fail "the 2.7 server did not set up epoch data keys"
n=$(grep -cE "Received data packet with new epoch [0-9]+" "$T/server.log" || true)
[ "$n" -ge 3 ] || fail "the 2.7 server saw $n new epochs from dcovpn, want >= 3"
! grep -qE "AEAD Decrypt error|unknown epoch" "$T/server.log" ||
	fail "the 2.7 server refused data packets"
log "$MB MB each way over $n epoch changes seen by the 2.7 server"
echo "PASS: $CASE"
