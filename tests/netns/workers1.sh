#!/bin/bash
# One engine thread for both directions (--workers 1): keepalives both ways
# on an idle tunnel, 20 MB each way intact, and expiry once the peer is gone.
. "$(dirname "$0")/lib.sh"
ns_setup
cli_pair udp i4 --workers 1 --keepalive 1 4
sleep 6 # idle on purpose: only keepalives keep the peers alive
cli_alive a && cli_alive b || fail "a side expired although the other was alive"
cli_stats a
ka_rx=$(stat_get a peer0 keepalive_rx)
ka_tx=$(stat_get a peer0 keepalive_tx)
log "a: keepalive_tx $ka_tx keepalive_rx $ka_rx after 6 s idle"
[ "$ka_rx" -ge 2 ] && [ "$ka_tx" -ge 2 ] || fail "too few keepalives: tx $ka_tx rx $ka_rx"
xfer a b 20
xfer b a 20 5002
ping_both 2
kill -KILL "${CLI_PID[b]}"
wait "${CLI_PID[b]}" 2>/dev/null || true
unset "CLI_PID[b]"
cli_wait_exit a 8 || fail "a did not exit within 8 s of b being killed"
[ "$CLI_STATUS" -eq 2 ] || fail "a exited with $CLI_STATUS, want 2 (peer expired)"
