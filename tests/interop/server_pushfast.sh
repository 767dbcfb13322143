#!/usr/bin/env bash
# An openvpn 2.6 client announces IV_PROTO_REQUEST_PUSH: OpenVPN's server
# takes that for its first PUSH_REQUEST and answers as soon as the client is
# authenticated. dcovpn does the same, so the client does not wait for its
# own connect check (about a second) before it is configured: the
# PUSH_REPLY reaches it before it ever sends a PUSH_REQUEST. The dcovpn
# client (c2) announces the bit too and, as OpenVPN's client, asks only at
# its connect check: it must not need to ask either.
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
server_conf udp auth
client_conf 1 udp auth disable-dco
client_conf 2 udp auth
start_server
start_pair
for i in 1 2; do
	log="${CLI_LOG[$i]}"
	got=$(grep -n "PUSH: Received control message: 'PUSH_REPLY" "$log" | head -n1 | cut -d: -f1 || true)
	asked=$(grep -n "SENT CONTROL \[.*\]: 'PUSH_REQUEST'" "$log" | head -n1 | cut -d: -f1 || true)
	[ -n "$got" ] || fail "c$i: no PUSH_REPLY in the client's log"
	log "c$i: PUSH_REPLY at line $got, first PUSH_REQUEST at line ${asked:-none}"
	[ -z "$asked" ] || [ "$asked" -gt "$got" ] ||
		fail "c$i had to ask (PUSH_REQUEST) before the server pushed"
done
# one PUSH_REPLY each: a request crossing the reply is not answered again
n=$(grep -c "SENT CONTROL \[cli.\]: 'PUSH_REPLY" "$T/server.log" || true)
[ "$n" -eq 2 ] || fail "the server sent $n PUSH_REPLYs to two clients"
grep -E "Peer Connection Initiated|PUSH_REPLY|Initialization Sequence" "${CLI_LOG[1]}" | cut -c1-90
echo "PASS: $CASE"
