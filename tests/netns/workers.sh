#!/bin/bash
# Engine thread counts 1, 2 and 4 (more threads than this machine's CPUs),
# each thread with its own tun queue. Each: keepalives both ways on an idle
# tunnel, 10 MB each way intact, and expiry once the peer is gone.
. "$(dirname "$0")/lib.sh"
for wk in 1 2 4; do
	ns_setup
	cli_pair udp i4 --workers $wk --keepalive 1 3
	sleep 4 # idle on purpose: only keepalives keep the peers alive
	cli_alive a && cli_alive b || fail "workers $wk: a side expired although the other was alive"
	cli_stats a
	ka_rx=$(stat_get a peer0 keepalive_rx)
	ka_tx=$(stat_get a peer0 keepalive_tx)
	log "workers $wk: a keepalive_tx $ka_tx keepalive_rx $ka_rx after 4 s idle"
	[ "$ka_rx" -ge 2 ] && [ "$ka_tx" -ge 2 ] || fail "workers $wk: too few keepalives"
	xfer a b 10
	xfer b a 10 5002
	ping_both 2
	kill -KILL "${CLI_PID[b]}"
	wait "${CLI_PID[b]}" 2>/dev/null || true
	unset "CLI_PID[b]"
	cli_wait_exit a 7 || fail "workers $wk: a did not exit within 7 s of b being killed"
	[ "$CLI_STATUS" -eq 2 ] || fail "workers $wk: a exited with $CLI_STATUS, want 2"
	# a fresh pair of namespaces for the next layout
	ip netns del "$NS_A"
	ip netns del "$NS_B"
	NS_MADE=0
	CLI_PID=()
done
