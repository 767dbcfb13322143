#!/usr/bin/env bash
# UDP/IPv4, tls-auth, client "reneg-bytes 5000000": 6 s of iperf3 at
# 40 Mbit/s (about 30 MB) make dcovpn renegotiate several times from the
# engine's link counters; iperf3 completes and a transfer is intact.
. "$(dirname "$0")/lib.sh"
CLIENT_EXTRA=("reneg-bytes 5000000")
MB=${MB:-5}
run_basic udp 4 auth
in_s timeout 30 iperf3 -s -1 -B "$TUN4_S" -p 5201 >"$T/iperf-s.log" 2>&1 &
BG_PIDS+=($!)
iperf_listening 5201
in_c timeout 25 iperf3 -c "$TUN4_S" -p 5201 -t 6 -b 40M >"$T/iperf-c.log" 2>&1 ||
	{ cat "$T/iperf-c.log"; fail "iperf3 failed"; }
n=$(grep -c "soft reset after" "$T/client.log" || true)
[ "$n" -ge 3 ] || fail "$n byte-triggered renegotiations"
transfer "$MB" up
echo "PASS: $CASE"
