#!/usr/bin/env bash
# A CLIENT's management interface driven by a real Go consumer: Debian's
# go-openvpn-mgmt library (tests/interop/gomgmt.go uses only its API:
# Dial/NewClient, Listen/Accept/Open, HoldRelease, SetEchoEvents,
# SetStateEvents, LatestState, Pid, SetByteCountEvents, SendSignal). The
# same config and steps run against openvpn 2.6 and dcovpn (one dcovpn
# server that pushes an "echo"): on a unix socket, then with
# management-client (the client connects out to the library's listener).
# What the library parsed (answers, errors, HOLD, STATE, ECHO, BYTECOUNT,
# other events) must be the same for both.
. "$(dirname "$0")/server_lib.bash"
. "$LIB_DIR/gomgmt.bash"
gomgmt_build
ns_setup 1
pki_make
server_conf udp crypt 'push "echo hello from the go test"'
client_conf 1 udp crypt "management $T/c.sock unix" "management-hold" \
	"explicit-exit-notify 1"
sed -e "s|^management .*|management 127.0.0.1 7506|" -e '$a management-client' \
	"$T/c1.conf" >"$T/c1-out.conf"
start_server

# go_side KIND dial|listen: KIND's client driven by the library; what it
# parsed in $T/KIND-HOW.go
go_side() {
	local kind=$1 how=$2 bin=$DCOVPN conf=$T/c1.conf addr=dial:$T/c.sock gpid=
	[ "$kind" = openvpn ] && bin=$OPENVPN
	rm -f "$T/c.sock"
	if [ "$how" = listen ]; then
		conf=$T/c1-out.conf addr=listen:127.0.0.1:7506
		# the library listens first, then learns the daemon's pid
		in_c 1 "$T/gomgmt" client "$addr" 0 >"$T/$kind-$how.raw" 2>&1 &
		gpid=$!
		wait_for 10 sh -c "ip netns exec sv-$$-c1 ss -ltn | grep -q 127.0.0.1:7506" ||
			fail "$kind: the library's listener did not come up"
	fi
	ip netns exec "sv-$$-c1" "$bin" --config "$conf" >"$T/c1-$kind-$how.log" 2>&1 &
	CLI_PIDS[1]=$!
	pinger
	if [ -z "$gpid" ]; then
		in_c 1 "$T/gomgmt" client "$addr" "${CLI_PIDS[1]}" >"$T/$kind-$how.raw" 2>&1 ||
			{ cat "$T/$kind-$how.raw"; fail "$kind ($how): the Go client failed"; }
	else
		wait "$gpid" || { cat "$T/$kind-$how.raw"; fail "$kind ($how): the Go client failed"; }
	fi
	wait_for 10 sh -c "! kill -0 ${CLI_PIDS[1]} 2>/dev/null" || fail "$kind ($how): client did not exit"
	stop_pid "${BG_PIDS[-1]}"
	wait_for 10 sh -c "! grep -q '^CLIENT_LIST' '$T/status'" || fail "$kind ($how): client still listed"
	mv "$T/$kind-$how.raw" "$T/$kind-$how.go"
}

for how in dial listen; do
	go_side openvpn "$how"
	go_side dcovpn "$how"
	gomgmt_compare "$how"
done
[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*.go "$KEEP_LOGS"/
grep -q '^event ECHO T message="hello from the go test"$' "$T/dcovpn-dial.go" ||
	fail "no pushed echo in what the library saw"
echo "PASS: $CASE"
