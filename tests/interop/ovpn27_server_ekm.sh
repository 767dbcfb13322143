#!/usr/bin/env bash
# dcovpn server with OpenVPN 2.7's --force-tls-key-material-export: a 2.7
# client (TLS-EKM) gets in and carries pings; a dcovpn client that does not
# announce TLS-EKM (DCOVPN_TEST_NO_EKM, PRF keys) is refused with 2.7's
# AUTH_FAILED reason, as a 2.7 server refuses it.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
server_conf udp crypt force-tls-key-material-export
client_conf 1 udp crypt
client_conf 2 udp crypt
start_server
start_client 1 openvpn
wait_client 1
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1 -> server ping"
log "2.7 client with TLS-EKM accepted"
export DCOVPN_TEST_NO_EKM=1
start_client 2 dcovpn
unset DCOVPN_TEST_NO_EKM
wait_for 20 grep -q "AUTH_FAILED,Client incompatible with this server. Keying Material Exporters (RFC 5705) support missing" "${CLI_LOG[2]}" ||
	fail "the client without TLS-EKM was not refused with 2.7's reason"
grep -q "does not support TLS Keying Material Exporters but --force-tls-key-material-export is enabled" "$T/server.log" ||
	fail "no refusal in the server log"
! grep -q "Initialization Sequence Completed" "${CLI_LOG[2]}" || fail "c2 got in"
log "client without TLS-EKM refused"
echo "PASS: $CASE"
