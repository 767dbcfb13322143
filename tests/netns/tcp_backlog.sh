#!/bin/bash
# Four TCP streams at full speed through a tunnel on the TCP transport, each
# way: while the outer stream's socket is full the engine stops reading the
# tun (src/dco/backlog.c), so no packet is dropped at its send queue
# (drop_tx_error stays 0 on both ends). Before, the inner senders filled the
# 1 MiB queue and thousands of packets a run were dropped and resent.
. "$(dirname "$0")/lib.sh"
command -v iperf3 >/dev/null || fail "iperf3 not installed"
ns_setup
cli_pair tcp i4
listening() { in_ns a ss -Hltn "sport = :$1" | grep -q .; }

# iperf4 PORT [-R]: 4 streams for 3 s from b to a (-R: a to b)
iperf4() {
	local port=$1
	shift
	in_ns a timeout 30 iperf3 -s -1 -B "${TUN4[a]}" -p "$port" \
		>"$T/iperf-s$port.log" 2>&1 &
	BG_PIDS+=("$!")
	wait_for 10 listening "$port" || fail "iperf3 server not listening on $port"
	in_ns b timeout 30 iperf3 -c "${TUN4[a]}" -p "$port" -P 4 -t 3 \
		--connect-timeout 5000 -f m "$@" >"$T/iperf-c$port.log" 2>&1 ||
		{ cat "$T/iperf-c$port.log"; fail "iperf3 -P 4 $* failed"; }
	log "iperf3 -P 4 $*: $(grep -E 'SUM.*receiver' "$T/iperf-c$port.log")"
}

iperf4 5201
iperf4 5202 -R
for side in a b; do
	cli_stats "$side"
	drops=$(stat_get "$side" total drop_tx_error)
	log "$side: drop_tx_error $drops"
	[ "$drops" -eq 0 ] || fail "$side dropped $drops packets at its TCP send queue"
done
cli_alive a && cli_alive b || fail "a side exited"
