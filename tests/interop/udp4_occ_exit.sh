#!/usr/bin/env bash
# UDP/IPv4, tls-crypt, explicit-exit-notify towards a server that does not
# speak cc-exit (as 2.4/2.5 servers; here the 2.6 server, with dcovpn not
# announcing cc-exit, a test hook): on SIGTERM dcovpn falls back to the
# in-band OCC_EXIT, and the server drops the client at once instead of
# waiting for its keepalive timeout.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 crypt
client_conf udp 4 crypt "explicit-exit-notify 1"
start_server
export DCOVPN_TEST_NO_CC_EXIT=1
start_client
ping_both
grep -q "protocol-flags.*cc-exit" "$T/client.log" && fail "the server still pushed cc-exit"
kill -TERM "$CLI_PID"
wait_for 10 sh -c "! kill -0 $CLI_PID" || fail "dcovpn did not exit on SIGTERM"
CLI_PID=
grep -q "sent OCC_EXIT" "$T/client.log" || fail "dcovpn did not send OCC_EXIT"
wait_for 10 grep -q "remote-exit" "$T/server.log" ||
	fail "the server did not take the OCC_EXIT (no remote-exit)"
log "server: $(grep -m1 "remote-exit" "$T/server.log" | cut -c1-120)"
echo "PASS: $CASE"
