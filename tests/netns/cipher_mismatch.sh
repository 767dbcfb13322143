#!/bin/bash
# Two ends with different ciphers on the same key: nothing gets through.
. "$(dirname "$0")/lib.sh"
ns_setup
key_gen "$T/key"
cli_up a udp i4 "$T/key" 0 --cipher AES-256-GCM
cli_up b udp i4 "$T/key" 1 --cipher CHACHA20-POLY1305
cli_wait_up a b
if in_ns a ping -c3 -i0.2 -W1 "${TUN4[b]}" >/dev/null; then
	fail "ping went through with different ciphers"
fi
cli_stats b
[ "$(stat_get b peer0 tun_tx_packets)" -eq 0 ] || fail "b wrote packets to its tun"
[ "$(stat_get b peer0 drop_decrypt)" -ge 3 ] || fail "b did not count decrypt failures"
