#!/bin/bash
# 50 MB over TCP through the tunnel (UDP transport), each way; the SHA-256
# of what arrives matches what was sent.
. "$(dirname "$0")/lib.sh"
ns_setup
cli_pair udp i4
xfer a b 50
xfer b a 50 5002
cli_stats b
log "b: tun_tx_packets $(stat_get b peer0 tun_tx_packets), drop_replay $(stat_get b peer0 drop_replay), drop_decrypt $(stat_get b peer0 drop_decrypt)"
[ "$(stat_get b peer0 drop_decrypt)" -eq 0 ] || fail "decrypt failures during the transfer"
