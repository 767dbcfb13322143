#!/usr/bin/env bash
# systemd's notify socket (Type=notify units): a stand-in for systemd
# listens on NOTIFY_SOCKET while dcovpn and openvpn 2.6 run as client and
# as server on the same configurations; each sends READY=1 with MAINPID (its
# own PID) and the same STATUS= strings. --daemon does not fork when a
# notify socket is there (the unit's main process must stay).
. "$(dirname "$0")/lib.sh"
SINK=$LIB_DIR/syslog_sink.py	# any datagram sink: one line per message line

# sink NAME: listen on $T/NAME.sock, messages to $T/NAME.txt
sink() {
	python3 "$SINK" "$T/$1.sock" "$T/$1.txt" &
	BG_PIDS+=($!)
	wait_for 10 test -S "$T/$1.sock" || fail "notify sink $1 did not start"
}

# check NAME PID: READY=1, MAINPID=PID, "Initialization Sequence Completed"
check() {
	local f=$T/$1.txt
	wait_for 30 grep -qx "STATUS=Initialization Sequence Completed" "$f" ||
		fail "$1: no STATUS=Initialization Sequence Completed: $(cat "$f")"
	grep -qx "READY=1" "$f" || fail "$1: no READY=1: $(cat "$f")"
	grep -qx "MAINPID=$2" "$f" || fail "$1: MAINPID is not $2: $(cat "$f")"
	grep -x 'READY=1\|STATUS=.*' "$f" >"$T/$1.cmp"
}

ns_setup
pki_make
server_conf udp 4 crypt
client_conf udp 4 crypt

# openvpn server; dcovpn client, then openvpn client, against it
sink o-srv
NOTIFY_SOCKET=$T/o-srv.sock ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
SRV_PID=$!
check o-srv "$SRV_PID"
sink d-cli
NOTIFY_SOCKET=$T/d-cli.sock ip netns exec "$NS_C" "$DCOVPN" --config "$T/client.conf" >"$T/client.log" 2>&1 &
CLI_PID=$!
check d-cli "$CLI_PID"
ping_both
stop_pid "$CLI_PID"
sink o-cli
NOTIFY_SOCKET=$T/o-cli.sock ip netns exec "$NS_C" "$OPENVPN" --config "$T/client.conf" >"$T/client.log" 2>&1 &
CLI_PID=$!
check o-cli "$CLI_PID"
stop_pid "$CLI_PID"
stop_pid "$SRV_PID"
cp "$T/server.log" "$T/server-openvpn.log"

# dcovpn server (with --daemon: it must not fork), openvpn client
sink d-srv
NOTIFY_SOCKET=$T/d-srv.sock ip netns exec "$NS_S" "$DCOVPN" --config "$T/server.conf" --daemon >"$T/server.log" 2>&1 &
SRV_PID=$!
check d-srv "$SRV_PID"
kill -0 "$SRV_PID" || fail "dcovpn --daemon forked under a notify socket"
sink o-cli2
NOTIFY_SOCKET=$T/o-cli2.sock ip netns exec "$NS_C" "$OPENVPN" --config "$T/client.conf" >"$T/client.log" 2>&1 &
CLI_PID=$!
check o-cli2 "$CLI_PID"
ping_both

for who in srv cli; do
	diff -u "$T/o-$who.cmp" "$T/d-$who.cmp" >&2 ||
		fail "$who: dcovpn's notify messages differ from openvpn's"
done
log "notify messages (same for both): $(tr '\n' ';' <"$T/d-cli.cmp")"
echo "PASS: $CASE"
