#!/usr/bin/env bash
# A SERVER's management interface driven by a real Go consumer: Debian's
# go-openvpn-mgmt library (tests/interop/gomgmt.go, only its API). The same
# config (management on TCP 127.0.0.1:7505, management-hold) runs as
# openvpn 2.6 and as dcovpn: the library waits for HOLD, turns state, echo
# and byte count events on, asks the state, releases the hold; an openvpn
# client connects and pings through the tunnel; the library waits for a
# BYTECOUNT_CLI with traffic both ways (its client id parsed), asks the
# pid, sends a bad signal and SIGTERM. What the library parsed must be the
# same for both servers. (The library has no status or client-kill call:
# server_mgmt.sh and server_mgmt_cauth.sh cover those byte for byte.)
. "$(dirname "$0")/server_lib.bash"
. "$LIB_DIR/gomgmt.bash"
gomgmt_build
ns_setup 1
pki_make
server_conf udp crypt "management 127.0.0.1 7505" "management-hold"
client_conf 1 udp crypt

# go_side KIND: KIND's server driven by the library; what it parsed in
# $T/KIND-server.go
go_side() {
	local kind=$1 bin=$DCOVPN gpid
	[ "$kind" = openvpn ] && bin=$OPENVPN
	ip netns exec "$NS_S" "$bin" --config "$T/server.conf" >"$T/server-$kind.log" 2>&1 &
	SRV_PID=$!
	in_s "$T/gomgmt" server dial:127.0.0.1:7505 "$SRV_PID" >"$T/$kind-server.go" 2>&1 &
	gpid=$!
	wait_for 20 grep -q "Initialization Sequence Completed" "$T/server-$kind.log" ||
		fail "$kind server did not start after the library released the hold"
	start_client 1 openvpn26
	pinger
	wait "$gpid" || { cat "$T/$kind-server.go"; fail "$kind server: the Go client failed"; }
	wait_for 10 sh -c "! kill -0 $SRV_PID 2>/dev/null" || fail "$kind server did not exit"
	stop_pid "${BG_PIDS[-1]}"
	stop_pid "${CLI_PIDS[1]}"
	wait_for 10 sh -c "! ip netns exec sv-$$-c1 ip link show tun0" ||
		fail "the client's tun0 stayed"
}

go_side openvpn
go_side dcovpn
[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*.go "$KEEP_LOGS"/
gomgmt_compare server
grep -q '^first byte count with traffic: BYTECOUNT client="0" in>0=true out>0=true$' \
	"$T/dcovpn-server.go" || fail "no per-client byte count as the library parses it"
echo "PASS: $CASE"
