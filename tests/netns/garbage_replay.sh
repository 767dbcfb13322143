#!/bin/bash
# Hostile input at the UDP port: random garbage, truncated and forged data
# packets, and replays of captured real packets (sent from the peer's own
# address). All are dropped and counted; the tunnel keeps carrying traffic.
. "$(dirname "$0")/lib.sh"
ns_setup
cli_pair udp i4 --verb 4
cli_stats b
dec0=$(stat_get b peer0 drop_decrypt)
rep0=$(stat_get b peer0 drop_replay)
mal0=$(stat_get b total drop_malformed)
tun0=$(stat_get b peer0 tun_tx_packets)

# Capture real packets a -> b while a pings, then inject from a's address.
# The pings start once the capture is open (a loaded machine can take
# seconds to start python: pings sent before are not seen).
in_ns a timeout 60 $PY "$LIB_DIR/pkt.py" --ready "$T/pkt.ready" "$VETH_A" \
	"${UL4[b]}" "$PORT" 20 >"$T/pkt.out" 2>"$T/pkt.log" &
pkt_pid=$!
BG_PIDS+=($pkt_pid)
wait_for 30 test -e "$T/pkt.ready" || fail "pkt.py did not open its capture: $(cat "$T/pkt.log")"
in_ns a ping -c 30 -i 0.1 -W1 "${TUN4[b]}" >/dev/null &
BG_PIDS+=($!)
wait "$pkt_pid" || fail "pkt.py failed: $(cat "$T/pkt.log")"
log "injected: $(cat "$T/pkt.out")"
eval "$(cat "$T/pkt.out")" # replayed= tampered= forged= short= random=
ping_both 3
cli_alive b || fail "b died"

cli_stats b
dec=$(( $(stat_get b peer0 drop_decrypt) - dec0 ))
rep=$(( $(stat_get b peer0 drop_replay) - rep0 ))
mal=$(( $(stat_get b total drop_malformed) - mal0 ))
tun=$(( $(stat_get b peer0 tun_tx_packets) - tun0 ))
log "b: drop_decrypt +$dec drop_replay +$rep drop_malformed(total) +$mal tun_tx_packets +$tun"
grep '^stats total drop_\|^stats total control_rx' "$T/b.log" | tail -n 12
[ "$rep" -ge "$replayed" ] || fail "drop_replay rose by $rep, $replayed replays sent"
[ "$dec" -ge $((forged + tampered)) ] ||
	fail "drop_decrypt rose by $dec, $forged forged and $tampered tampered packets sent"
[ "$mal" -ge "$short" ] || fail "drop_malformed rose by $mal, $short truncated packets sent"
log_has b "control packet from" || fail "b logged no control packets at --verb 4"
# 30 pings + 6 from ping_both at most; replays must not have been delivered.
[ "$tun" -le 40 ] || fail "b wrote $tun packets to its tun: replays got through"
