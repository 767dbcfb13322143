#!/bin/bash
# The data path takes no lock in the steady state: peer, key and route
# look-ups are RCU reads, and each engine thread has its own tun queue and
# socket. The engine counts every mutex its threads take on the data path
# (stats lock_taken / lock_waited); over 10 MB each way of a UDP tunnel
# that count must not move, with 1, 2 or 4 engine threads (4: more than
# this machine's CPUs). TCP takes its send-queue lock: logged and checked
# to be counted at all.
. "$(dirname "$0")/lib.sh"
locks_during_xfer() { # locks_during_xfer SIDE: lock_taken delta over 10 MB each way
	local before after
	cli_stats "$1"
	before=$(stat_get "$1" total lock_taken)
	xfer a b 10
	xfer b a 10 5002
	cli_stats "$1"
	after=$(stat_get "$1" total lock_taken)
	log "$2: lock_taken $before -> $after, lock_waited $(stat_get "$1" total lock_waited)"
	echo $((after - before)) >"$T/delta"
}
run_case() { # run_case PROTO WORKERS
	ns_setup
	cli_pair "$1" i4 --workers "$2"
	locks_during_xfer a "$1 workers $2"
	cli_stop a
	cli_stop b
	ip netns del "$NS_A"
	ip netns del "$NS_B"
	NS_MADE=0
	CLI_PID=()
}
for wk in 1 2 4; do
	run_case udp $wk
	[ "$(cat "$T/delta")" -eq 0 ] || fail "udp, $wk engine threads: $(cat "$T/delta") mutexes taken on the data path during the transfer, want 0"
done
run_case tcp 1
[ "$(cat "$T/delta")" -gt 0 ] || fail "tcp: no send-queue lock counted: is the counter wired?"
