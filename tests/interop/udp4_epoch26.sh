#!/usr/bin/env bash
# dcovpn client against Debian's OpenVPN 2.6 server: dcovpn announces 2.7's
# IV_PROTO_DATA_EPOCH, 2.6 ignores it and pushes no aead-epoch, so the
# data channel stays in the 2.6 format (even with a tiny epoch limit set)
# and carries a transfer each way.
. "$(dirname "$0")/lib.sh"
MB=${MB:-8}
export DCOVPN_TEST_EPOCH_LIMIT=1000
run_basic udp 4 crypt
p=$(grep -oE "peer info: IV_PROTO=[0-9]+" "$T/server.log" | head -n1 | cut -d= -f2)
[ -n "$p" ] && [ $((p & 1024)) -ne 0 ] ||
	fail "dcovpn did not announce IV_PROTO_DATA_EPOCH (IV_PROTO '$p')"
! grep -q "aead-epoch" "$T/server.log" || fail "the 2.6 server pushed aead-epoch"
grep -q "Data Channel: cipher .*key derivation TLS-EKM$" "$T/client.log" ||
	fail "dcovpn client: no 2.6-format data key"
! grep -q "epoch data keys" "$T/client.log" || fail "epoch data keys with a 2.6 server"
log "2.6 server: $MB MB each way in the 2.6 format"
echo "PASS: $CASE"
