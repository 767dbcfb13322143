#!/bin/bash
# UDP over IPv4: the tunnel carries pings both ways.
. "$(dirname "$0")/lib.sh"
ns_setup
cli_pair udp i4
ping_both 5
cli_stats a
[ "$(stat_get a peer0 tun_tx_packets)" -ge 5 ] || fail "a counted fewer than 5 packets to its tun"
[ "$(stat_get a peer0 drop_decrypt)" -eq 0 ] || fail "a counted decrypt failures"
rx=$(stat_get a peer0 link_rx_packets)
[ "$rx" -ge "$(stat_get a peer0 tun_tx_packets)" ] || fail "a: peer link_rx_packets $rx < tun_tx_packets"
cli_stop a
[ "$CLI_STATUS" -eq 0 ] || fail "a exited with $CLI_STATUS after SIGTERM, want 0"
grep -q '^stats peer0 link_rx_packets ' "$T/a.log" || fail "no statistics printed at exit"
