#!/bin/bash
# Keepalive over TCP: freeze one end (SIGSTOP: its connection stays open but
# silent); the other reports the peer expired (exit status 2) within the
# timeout plus slack.
. "$(dirname "$0")/lib.sh"
ns_setup
TIMEOUT=4
cli_pair tcp i4 --keepalive 1 $TIMEOUT
sleep $((TIMEOUT + 1)) # idle on purpose: only keepalives keep the peer alive
cli_alive a && cli_alive b || fail "a side exited although the other was alive"
ping_both 2
kill -STOP "${CLI_PID[b]}"
start=$SECONDS
cli_wait_exit a $((TIMEOUT + 4)) || fail "a did not exit within $((TIMEOUT + 4)) s of b freezing"
log "a exited $((SECONDS - start)) s after b froze, status $CLI_STATUS"
kill -CONT "${CLI_PID[b]}"
[ "$CLI_STATUS" -eq 2 ] || fail "a exited with $CLI_STATUS, want 2 (peer expired)"
log_has a "peer 0 expired (keepalive timeout)" || fail "a did not log the expiry"
