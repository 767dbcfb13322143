#!/bin/bash
# TCP over IPv4: a listens (--listen, any source port), b connects from an
# ephemeral port; pings both ways, and the listener sees the connection end
# when the other side stops.
. "$(dirname "$0")/lib.sh"
ns_setup
key_gen "$T/key"
cli_start a --listen tcp i4 "${UL4[a]}" 1194 "${UL4[b]}" 0 "${TUN4[a]}" 255.255.255.0 "${TUN4[b]}" "$T/key" 0
cli_start b tcp i4 "${UL4[b]}" 0 "${UL4[a]}" 1194 "${TUN4[b]}" 255.255.255.0 "${TUN4[a]}" "$T/key" 1
tunnel_wait
ping_both 5
cli_stop b
cli_wait_exit a 15 || fail "a still running 15 s after b closed the TCP connection"
[ "$CLI_STATUS" -eq 3 ] || fail "a exited with $CLI_STATUS, want 3 (TCP connection ended)"
log_has a "TCP connection ended" || fail "a did not log the end of the connection"
