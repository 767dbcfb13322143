#!/bin/bash
# TCP over IPv4: a listens (--listen), b connects; pings both ways, and the
# listener sees the connection end when the other side stops.
. "$(dirname "$0")/lib.sh"
ns_setup
cli_pair tcp i4
ping_both 5
cli_stop b
cli_wait_exit a 15 || fail "a still running 15 s after b closed the TCP connection"
[ "$CLI_STATUS" -eq 3 ] || fail "a exited with $CLI_STATUS, want 3 (TCP connection ended)"
