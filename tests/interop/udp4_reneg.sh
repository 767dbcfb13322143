#!/usr/bin/env bash
# UDP/IPv4, tls-crypt, server "reneg-sec 10": 40 s of continuous traffic
# (iperf3 at 20 Mbit/s and pings) across several renegotiations: no
# one-second interval without data, pings answered, both logs show the
# renegotiations.
. "$(dirname "$0")/lib.sh"
SECS=${RENEG_SECS:-40}
SERVER_EXTRA=("reneg-sec 10")
ns_setup
pki_make
server_conf udp 4 crypt "${SERVER_EXTRA[@]}"
client_conf udp 4 crypt
start_server
start_client
ping_both
command -v iperf3 >/dev/null || fail "iperf3 not installed"
in_s timeout $((SECS + 20)) iperf3 -s -1 -B "$TUN4_S" -p 5201 >"$T/iperf-s.log" 2>&1 &
BG_PIDS+=($!)
sleep 0.5
in_c timeout $((SECS + 10)) ping -i 0.2 -c $((SECS * 5)) -W 2 "$TUN4_S" >"$T/ping.log" 2>&1 &
PING_PID=$!
BG_PIDS+=($PING_PID)
in_c timeout $((SECS + 15)) iperf3 -c "$TUN4_S" -p 5201 -t "$SECS" -b 20M -i 1 \
	-f m >"$T/iperf-c.log" 2>&1 || { cat "$T/iperf-c.log"; fail "iperf3 failed"; }
wait "$PING_PID" || true
# A stalled second shows as 0.00 Mbits/sec in the per-second report.
stalls=$(grep -E '^\[ *[0-9]+\] +[0-9.]+-[0-9.]+ +sec' "$T/iperf-c.log" |
	grep -v sender | grep -v receiver | awk '$7 + 0 == 0' | wc -l)
[ "$stalls" -eq 0 ] || { cat "$T/iperf-c.log"; fail "$stalls stalled second(s)"; }
loss=$(grep -oE '[0-9.]+% packet loss' "$T/ping.log" | cut -d% -f1)
awk -v l="$loss" 'BEGIN { exit !(l <= 2) }' || { cat "$T/ping.log"; fail "ping loss $loss%"; }
n_cli=$(grep -c "soft reset of key-id" "$T/client.log" || true)
n_srv=$(grep -c "TLS: soft reset" "$T/server.log" || true)
[ "$n_cli" -ge 3 ] || fail "client log shows $n_cli renegotiations"
[ "$n_srv" -ge 3 ] || fail "server log shows $n_srv renegotiations"
transfer "${MB:-20}" up
log "renegotiations: client $n_cli, server $n_srv; ping loss $loss%"
echo "PASS: $CASE"
