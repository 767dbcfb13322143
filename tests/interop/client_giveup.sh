#!/usr/bin/env bash
# When a client gives up, dcovpn and openvpn 2.6 as clients on the same
# configs against an openvpn server (and a silent UDP port beside it):
#  - server-poll-timeout 3: a silent first remote is left after ~3 s for the
#    next one ("Server poll timeout, restarting"), not after hand-window;
#  - connect-retry-max 2 with only the silent remote: the client exits with
#    status 1 ("All connections have been connect-retry-max (2) times
#    unsuccessful, exiting") after two attempts;
#  - inactive 3: a connected client exits when the tunnel is idle for 3 s,
#    not while pings cross it;
#  - tls-exit: a TLS failure (server certificate from another CA) ends the
#    process instead of a retry.
# Exit statuses and messages are compared with openvpn's.
. "$(dirname "$0")/lib.sh"
SILENT=1195

# run_client PROG NAME [config lines]: start PROG (dcovpn|openvpn) with
# $T/NAME.conf; CLI_PID, log $T/NAME.log
run_client() {
	local prog=$1 name=$2 bin=$DCOVPN
	shift 2
	[ "$prog" = openvpn ] && bin=$OPENVPN
	cp "$T/client.conf" "$T/$name.conf"
	local l
	for l in "$@"; do echo "$l" >>"$T/$name.conf"; done
	ip netns exec "$NS_C" "$bin" --config "$T/$name.conf" >"$T/$name.log" 2>&1 &
	CLI_PID=$!
}

# wait_exit SECONDS: the client's exit status in RC (fails on time-out)
wait_exit() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$CLI_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$CLI_PID" 2>/dev/null && fail "client still running after $1 s"
	RC=0
	wait "$CLI_PID" || RC=$?
	CLI_PID=
}

ns_setup
pki_make
server_conf udp 4 crypt
client_conf udp 4 crypt
sed -i '/^remote /d; /^resolv-retry/d' "$T/client.conf"
echo "connect-retry 1" >>"$T/client.conf"
start_server
# a UDP port that reads and never answers
in_s python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('$UL4_S', $SILENT)); s.settimeout(1); end = time.time() + 120
while time.time() < end:
    try: s.recv(2048)
    except socket.timeout: pass" &
BG_PIDS+=($!)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/other-ca.key" -out "$T/other-ca.crt" -days 2 -subj /CN=other 2>/dev/null

for prog in openvpn dcovpn; do
	# server-poll-timeout: from the silent remote to the real one
	start=$SECONDS
	run_client $prog poll-$prog "remote $UL4_S $SILENT" "remote $UL4_S 1194" \
		"server-poll-timeout 3"
	wait_for 25 grep -q "Initialization Sequence Completed" "$T/poll-$prog.log" ||
		fail "$prog: not connected via the second remote in 25 s"
	grep -q "Server poll timeout, restarting" "$T/poll-$prog.log" ||
		fail "$prog: no 'Server poll timeout, restarting'"
	log "$prog: server-poll-timeout 3: connected via the second remote after $((SECONDS - start)) s"
	stop_pid "$CLI_PID"; CLI_PID=

	# connect-retry-max: two attempts at the silent remote, then exit 1
	start=$SECONDS
	run_client $prog retry-$prog "remote $UL4_S $SILENT" "server-poll-timeout 2" \
		"connect-retry-max 2"
	wait_exit 30; rc=$RC
	[ "$rc" = 1 ] || fail "$prog: connect-retry-max: exit status $rc, want 1"
	grep -q "All connections have been connect-retry-max (2) times unsuccessful, exiting" \
		"$T/retry-$prog.log" || fail "$prog: connect-retry-max: no message"
	n=$(grep -c "Server poll timeout" "$T/retry-$prog.log")
	[ "$n" = 2 ] || fail "$prog: connect-retry-max 2 made $n attempts"
	log "$prog: connect-retry-max 2: $n attempts, exit 1 after $((SECONDS - start)) s"

	# inactive: stays while pings cross, exits once idle
	run_client $prog inactive-$prog "remote $UL4_S 1194" "inactive 3"
	wait_for 25 grep -q "Initialization Sequence Completed" "$T/inactive-$prog.log" ||
		fail "$prog: inactive: not connected"
	in_c ping -c 12 -i 0.5 -W 1 "$TUN4_S" >/dev/null || fail "$prog: pings lost"
	kill -0 "$CLI_PID" 2>/dev/null || fail "$prog: exited with traffic in the tunnel"
	start=$SECONDS
	wait_exit 15; rc=$RC
	grep -q "Inactivity timeout (--inactive), exiting" "$T/inactive-$prog.log" ||
		fail "$prog: no 'Inactivity timeout (--inactive), exiting'"
	eval "inactive_rc_$prog=$rc"
	log "$prog: inactive 3: up through 6 s of pings, exit $rc $((SECONDS - start)) s after they stopped"

	# tls-exit: the server's certificate is not from our CA
	run_client $prog tlsexit-$prog "remote $UL4_S 1194" "ca $T/other-ca.crt" "tls-exit"
	wait_exit 30; rc=$RC
	grep -q "Initialization Sequence Completed" "$T/tlsexit-$prog.log" &&
		fail "$prog: connected with the wrong CA"
	grep -q "TLS Error" "$T/tlsexit-$prog.log" || fail "$prog: tls-exit: no TLS error"
	eval "tlsexit_rc_$prog=$rc"
	log "$prog: tls-exit: exit $rc after the TLS failure"
done
# shellcheck disable=SC2154 # set by eval above
[ "$inactive_rc_dcovpn" = "$inactive_rc_openvpn" ] ||
	fail "inactive: exit status $inactive_rc_dcovpn, openvpn's $inactive_rc_openvpn"
# shellcheck disable=SC2154
[ "$tlsexit_rc_dcovpn" = "$tlsexit_rc_openvpn" ] ||
	fail "tls-exit: exit status $tlsexit_rc_dcovpn, openvpn's $tlsexit_rc_openvpn"
echo "PASS: $CASE"
