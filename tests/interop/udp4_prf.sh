#!/usr/bin/env bash
# UDP/IPv4, tls-auth, data keys from OpenVPN's PRF instead of TLS-EKM: with
# DCOVPN_TEST_NO_EKM dcovpn does not announce IV_PROTO_TLS_KEY_EXPORT, so
# the 2.6 server pushes no tls-ekm and both sides use the TLS1-PRF with the
# key method 2 randoms and session ids. Also renegotiates (reneg-sec 8).
. "$(dirname "$0")/lib.sh"
export DCOVPN_TEST_NO_EKM=1
SERVER_EXTRA=("reneg-sec 8")
MB=${MB:-5}
run_basic udp 4 auth
grep -q "key derivation PRF" "$T/client.log" || fail "PRF was not used"
grep -q "tls-ekm" "$T/client.log" && fail "tls-ekm in the client log"
wait_for 20 grep -q "key-id 1, key derivation PRF" "$T/client.log" || fail "no renegotiated PRF key"
ping_both
echo "PASS: $CASE"
