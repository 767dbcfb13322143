#!/usr/bin/env bash
# An openvpn 2.6 client announces IV_PROTO_REQUEST_PUSH: OpenVPN's server
# takes that for its first PUSH_REQUEST and answers as soon as the client is
# authenticated. dcovpn does the same, so the client does not wait for its
# own push-request timer (about a second) before it is configured: the
# PUSH_REPLY reaches it before it ever sends a PUSH_REQUEST.
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
server_conf udp auth
client_conf 1 udp auth disable-dco
start_server
start_client 1 openvpn
wait_client 1
log="${CLI_LOG[1]}"
got=$(grep -n "PUSH: Received control message: 'PUSH_REPLY" "$log" | head -n1 | cut -d: -f1 || true)
asked=$(grep -n "SENT CONTROL \[.*\]: 'PUSH_REQUEST'" "$log" | head -n1 | cut -d: -f1 || true)
[ -n "$got" ] || fail "no PUSH_REPLY in the client's log"
log "PUSH_REPLY at line $got, first PUSH_REQUEST at line ${asked:-none}"
[ -z "$asked" ] || [ "$asked" -gt "$got" ] ||
	fail "the client had to ask (PUSH_REQUEST) before the server pushed"
grep -E "Peer Connection Initiated|PUSH_REPLY|Initialization Sequence" "$log" | cut -c1-90
echo "PASS: $CASE"
