#!/usr/bin/env bash
# OpenVPN's own loopback-client / loopback-server samples (as Debian ships
# them, with its sample keys), run as its t_cltsrv test runs them:
# TLS P2P over lo, each side bound to its --local localhost --lport and
# sending to the other's --rport; dev null, ping 1, reneg-sec 10. dcovpn
# plays each role against openvpn 2.6 in turn: both sides complete
# initialization and renegotiate once. Then --lport/--local binding of a
# UDP and a TCP client checked with ss.
. "$(dirname "$0")/lib.sh"
EX=/usr/share/doc/openvpn/examples
[ -f "$EX/sample-config-files/loopback-client" ] || fail "openvpn's samples missing ($EX)"
ip netns add "$NS_C"
NS_MADE=1
in_c ip link set lo up
ARGS=(--script-security 2 --cd "$EX" --ping-exit 180)

# run_pair CLIENT SERVER: the two sample configs, both in one namespace
run_pair() {
	rm -f "$T/server.log" "$T/client.log"	# (see start_client)
	ip netns exec "$NS_C" "$2" "${ARGS[@]}" --setenv role srv \
		--config sample-config-files/loopback-server >"$T/server.log" 2>&1 &
	SRV_PID=$!
	ip netns exec "$NS_C" "$1" "${ARGS[@]}" --setenv role clt \
		--config sample-config-files/loopback-client >"$T/client.log" 2>&1 &
	CLI_PID=$!
	wait_for 20 grep -q "Initialization Sequence Completed" "$T/client.log" ||
		fail "$1 (loopback-client) did not complete initialization"
	wait_for 20 grep -q "Initialization Sequence Completed" "$T/server.log" ||
		fail "$2 (loopback-server) did not complete initialization"
	# reneg-sec 10: a second key comes within ~15 s, on both sides
	twice() { [ "$(grep -c 'Control Channel: TLS' "$1")" -ge 2 ]; }
	wait_for 25 twice "$T/server.log" || fail "no renegotiation seen by $2"
	wait_for 5 twice "$T/client.log" || fail "no renegotiation seen by $1"
	in_c ss -u -a -n >"$T/ss.txt"
	bound() { grep -Eq "(127\.0\.0\.1|\[::1\]):$1 " "$T/ss.txt"; }
	bound 16000 && bound 16001 ||
		fail "sockets not bound to localhost:16000/16001: $(cat "$T/ss.txt")"
	stop_pid "$CLI_PID"
	stop_pid "$SRV_PID"
	CLI_PID=
	SRV_PID=
}

log "dcovpn loopback-client, openvpn loopback-server"
run_pair "$DCOVPN" "$OPENVPN"
log "openvpn loopback-client, dcovpn loopback-server"
run_pair "$OPENVPN" "$DCOVPN"
echo "PASS: $CASE"
