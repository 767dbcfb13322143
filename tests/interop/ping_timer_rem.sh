#!/usr/bin/env bash
# --ping-timer-rem, dcovpn against openvpn 2.6 on the same configs: a
# static-key P2P end without --remote (it waits for whoever authenticates
# first), ping 1, ping-exit 3. Without ping-timer-rem it exits after 3 s
# with no peer; with it, it outlives two such instances, because its timer
# only runs once the peer's address is known. Then an openvpn peer comes
# (Peer Connection) and goes: now the timer runs and it exits on ping-exit.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
EXIT_MSG="Inactivity timeout (--ping-exit), exiting"

# conf NAME PORT OWN PEER [lines]: the waiting end, key direction 0
conf() {
	local name=$1 port=$2 own=$3 peer=$4
	shift 4
	printf '%s\n' "dev tun" "proto udp4" "secret $T/pki/ta.key 0" \
		"cipher AES-256-CBC" "auth SHA256" "ifconfig $own $peer" \
		"lport $port" "ping 1" "ping-exit 3" "verb 4" "$@" >"$T/$name.conf"
}

# start KIND NAME: $PID of the instance, log $T/NAME-KIND.log
start() {
	local bin=$DCOVPN
	[ "$1" = openvpn ] && bin=$OPENVPN
	ip netns exec "$NS_S" "$bin" --config "$T/$2.conf" >"$T/$2-$1.log" 2>&1 &
	PID=$!
	BG_PIDS+=("$PID")
}

gone() { ! kill -0 "$1" 2>/dev/null; }

for kind in openvpn dcovpn; do
	conf plain 1194 198.19.64.1 198.19.64.2
	conf rem 1195 198.19.65.1 198.19.65.2 ping-timer-rem
	start "$kind" rem
	rem=$PID
	for round in 1 2; do
		start "$kind" plain
		wait_for 15 gone "$PID" || fail "$kind: no ping-exit without a peer"
		grep -qF "$EXIT_MSG" "$T/plain-$kind.log" ||
			fail "$kind: exited otherwise: $(cat "$T/plain-$kind.log")"
	done
	kill -0 "$rem" 2>/dev/null ||
		fail "$kind: ping-timer-rem exited without a peer: $(cat "$T/rem-$kind.log")"
	log "$kind: without a peer, ping-exit 3 ends it twice; ping-timer-rem waits on"
	# the peer comes, then goes: the timer runs from then on
	printf '%s\n' "dev tun" "proto udp4" "secret $T/pki/ta.key 1" \
		"cipher AES-256-CBC" "auth SHA256" "ifconfig 198.19.65.2 198.19.65.1" \
		"remote $UL4_S 1195" "ping 1" "verb 3" >"$T/peer.conf"
	ip netns exec "$NS_C" "$OPENVPN" --config "$T/peer.conf" >"$T/peer-$kind.log" 2>&1 &
	CLI_PID=$!
	wait_for 15 grep -q "Peer Connection" "$T/rem-$kind.log" ||
		fail "$kind: the peer never showed: $(cat "$T/rem-$kind.log")"
	stop_pid "$CLI_PID"
	CLI_PID=''
	wait_for 15 gone "$rem" || fail "$kind: no ping-exit after the peer went"
	grep -qF "$EXIT_MSG" "$T/rem-$kind.log" ||
		fail "$kind: ended otherwise: $(cat "$T/rem-$kind.log")"
	log "$kind: once the peer was known and went, ping-exit ended it"
done
echo "PASS: $CASE"
