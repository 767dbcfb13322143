#!/bin/bash
# Keepalive: an idle tunnel stays up because both ends send pings; once one
# end is killed the other reports the peer expired (exit status 2) within
# the timeout plus slack.
. "$(dirname "$0")/lib.sh"
ns_setup
INTERVAL=1
TIMEOUT=4
cli_pair udp i4 --keepalive $INTERVAL $TIMEOUT
sleep $((TIMEOUT + 2)) # idle on purpose: only keepalives keep the peer alive
cli_alive a && cli_alive b || fail "a side expired although the other was alive"
cli_stats a
ka_rx=$(stat_get a peer0 keepalive_rx)
ka_tx=$(stat_get a peer0 keepalive_tx)
log "a: keepalive_tx $ka_tx keepalive_rx $ka_rx after $((TIMEOUT + 2)) s idle"
[ "$ka_rx" -ge 2 ] || fail "a received $ka_rx keepalives in $((TIMEOUT + 2)) s, want >= 2"
[ "$ka_tx" -ge 2 ] || fail "a sent $ka_tx keepalives in $((TIMEOUT + 2)) s, want >= 2"
ping_both 2

kill -KILL "${CLI_PID[b]}"
wait "${CLI_PID[b]}" 2>/dev/null || true
unset "CLI_PID[b]"
start=$SECONDS
cli_wait_exit a $((TIMEOUT + 4)) || fail "a did not exit within $((TIMEOUT + 4)) s of b being killed"
log "a exited $((SECONDS - start)) s after b was killed, status $CLI_STATUS"
[ "$CLI_STATUS" -eq 2 ] || fail "a exited with $CLI_STATUS, want 2 (peer expired)"
grep -q "peer 0 expired (keepalive timeout)" "$T/a.log" || fail "a did not log the expiry"
[ $((SECONDS - start)) -ge $((TIMEOUT - 1)) ] || fail "a expired too early"
