#!/usr/bin/env bash
# The management interface (OpenVPN's protocol, version 5), on the dcovpn
# server (TCP 127.0.0.1:7505 with a password, management-hold: it starts
# on "hold release"; clients named by the e-mail in their certificates
# subjectAltName, x509-username-field) and on a dcovpn client (unix socket, management-hold):
#  - the client waits for "hold release", then reports its states up to
#    CONNECTED with its tunnel address and the server's;
#  - server: bad password refused; version; status 2 lists both clients;
#    load-stats; bytecount notifications per client; log history; kill by
#    common name (the openvpn client is told RESTART and comes back);
#    client-kill CID HALT ends the dcovpn client; unknown commands answer
#    ERROR.
. "$(dirname "$0")/server_lib.bash"
MC=$LIB_DIR/mgmt_client.py
ns_setup 2
pki_make
echo 's3cret mgmt' >"$T/mgmt.pw"
server_conf udp crypt "management 127.0.0.1 7505 $T/mgmt.pw" "status-version 2" \
	"management-hold" "x509-username-field ext:subjectAltName"
client_conf 1 udp crypt
client_conf 2 udp crypt "management $T/c2.sock unix" "management-hold"
# management-hold: the server opens nothing before "hold release"
ip netns exec "$NS_S" "$DCOVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
SRV_PID=$!
in_s python3 "$MC" 127.0.0.1:7505 "expect:^ENTER PASSWORD:" "send:s3cret mgmt" \
	"expect:^>HOLD:Waiting for hold release" "send:hold release" \
	"expect:^SUCCESS: hold release succeeded" >"$T/mgmt-hold.log" 2>&1 ||
	{ cat "$T/mgmt-hold.log"; fail "server hold"; }
wait_for 10 grep -q "Initialization Sequence Completed" "$T/server.log" ||
	fail "server did not start after hold release"
start_client 1 openvpn
start_client 2 dcovpn
wait_client 1

# the dcovpn client holds until released, then connects
in_c 2 python3 "$MC" "$T/c2.sock" "expect:^>HOLD:Waiting for hold release" \
	"send:state on" "expect:SUCCESS: real-time state notification set to ON" \
	"send:hold release" "expect:SUCCESS: hold release succeeded" \
	"expect:^>STATE:[0-9]+,WAIT," "expect:^>STATE:[0-9]+,AUTH," \
	"expect:^>STATE:[0-9]+,ASSIGN_IP,,198\.19\.66\.[0-9]+," \
	"absent:^>STATE:[0-9]+,GET_CONFIG," \
	"expect:^>STATE:[0-9]+,CONNECTED,SUCCESS,198\.19\.66\.[0-9]+,198\.18\.66\.1,1194,,,fd00:67::" \
	"send:status" "expect:^OpenVPN STATISTICS" "expect:^END" \
	"send:help" "expect:^verb" "expect:^END" "absent:^client-kill" \
	"send:kill x" "expect:^ERROR: The 'kill' command is not supported by the current daemon mode" \
	"send:bytecount 1" "expect:^>BYTECOUNT:[0-9]+,[0-9]+" "close" \
	>"$T/mgmt-c2.log" 2>&1 || { cat "$T/mgmt-c2.log"; fail "client management"; }
wait_client 2
log "client: hold released, states up to CONNECTED, status, bytecount"

in_s python3 "$MC" 127.0.0.1:7505 "expect:^ENTER PASSWORD:" "send:wrong" \
	"expect:^ERROR: bad password" >"$T/mgmt-bad.log" 2>&1 ||
	{ cat "$T/mgmt-bad.log"; fail "bad password not refused"; }
in_s python3 "$MC" 127.0.0.1:7505 "expect:^ENTER PASSWORD:" "send:s3cret mgmt" \
	"expect:^SUCCESS: password is correct" \
	"expect:^>INFO:OpenVPN Management Interface Version 5" \
	"send:version" "expect:^Management Version: 5" "expect:^END" \
	"send:help" "expect:^client-kill cid \[msg\] +: Kill client" "expect:^END" \
	"send:pid" "expect:^SUCCESS: pid=$SRV_PID\$" \
	"send:status 2" "expect:^CLIENT_LIST,cli1@example.org," "expect:^END" \
	"send:status 2" "expect:^CLIENT_LIST,cli2@example.org," "expect:^END" \
	"send:load-stats" "expect:^SUCCESS: nclients=2,bytesin=[0-9]+,bytesout=[0-9]+" \
	"send:state" "expect:^[0-9]+,CONNECTED,SUCCESS,198\.19\.66\.1," "expect:^END" \
	"send:log all" "expect:Initialization Sequence Completed" "expect:^END" \
	"send:bytecount 1" "expect:^>BYTECOUNT_CLI:[0-9]+,[0-9]+,[0-9]+" \
	"send:bytecount 0" "expect:SUCCESS: bytecount interval changed" \
	"send:frobnicate" "expect:^ERROR: unknown command \[frobnicate\]" \
	"send:$(head -c 3000 /dev/zero | tr '\0' x)" "expect:^ERROR: command line too long" \
	"send:state \"on" "expect:SUCCESS: real-time state" \
	"send:kill nobody" "expect:^ERROR: common name 'nobody' not found" \
	"send:kill cli1@example.org" "expect:^SUCCESS: common name 'cli1@example.org' found, 1 client\(s\) killed" \
	"send:status 2" "expect:^END" \
	>"$T/mgmt-srv.log" 2>&1 || { cat "$T/mgmt-srv.log"; fail "server management"; }
wait_for 30 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '${CLI_LOG[1]}') -ge 2 ]" ||
	fail "killed openvpn client did not come back"
grep -q "server-pushed-connection-reset" "${CLI_LOG[1]}" || fail "openvpn client was not told RESTART"
log "server: password, version, status, load-stats, state, log, bytecount, kill"

cid=$(in_s python3 "$MC" 127.0.0.1:7505 "send:s3cret mgmt" "expect:^>INFO" \
	"send:status 2" "expect:^CLIENT_LIST,cli2@example.org," "expect:^END" | grep '^< CLIENT_LIST,cli2@example.org,' |
	cut -d, -f11)
[ -n "$cid" ] || fail "no CID for cli2 in status 2"
in_s python3 "$MC" 127.0.0.1:7505 "send:s3cret mgmt" "expect:^>INFO" \
	"send:client-kill $cid HALT" "expect:^SUCCESS: client-kill command succeeded" \
	"send:client-kill 99999" "expect:^ERROR: client-kill command failed" \
	>"$T/mgmt-ck.log" 2>&1 || { cat "$T/mgmt-ck.log"; fail "client-kill"; }
wait_for 20 sh -c "! kill -0 ${CLI_PIDS[2]} 2>/dev/null" || fail "dcovpn client did not exit on HALT"
log "client-kill $cid HALT: the dcovpn client exited"
echo "PASS: $CASE"
