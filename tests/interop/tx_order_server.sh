#!/usr/bin/env bash
# Packet-ids leave in order with several engine threads (server): a
# dcovpn server with DCOVPN_ENGINE_THREADS=2 and two openvpn 2.6 clients
# (peer-ids 0 and 1: one home on each thread) whose replay-window is
# small (REPLAY_WINDOW, default 8); the server's namespace sends FLOWS UDP
# flows at once to each client (the multi-queue tun spreads them over
# both threads' queues). Neither client may log a "bad packet ID" (their
# replay check), and the server's engine shows packets handed to their
# peer's thread to send (src/dco/tx_handoff.c). Red on the old engine
# (80-250 bad packet IDs a run; 44 with the default window of 64); run
# alone by tests/run. tx_order: the client side.
. "$(dirname "$0")/server_lib.bash"
. "$(dirname "$0")/txorder_lib.bash"
FLOWS=${FLOWS:-8}
COUNT=${COUNT:-100000}
WINDOW=${REPLAY_WINDOW:-8}
ns_setup 2
pki_make
server_conf udp crypt
DCOVPN_ENGINE_THREADS=2 start_server
for i in 1 2; do
	client_conf "$i" udp crypt "replay-window $WINDOW"
	start_client "$i" openvpn
done
wait_client 1
wait_client 2
c1=$(client_tun4 1)
c2=$(client_tun4 2)
for i in 1 2; do
	wait_for 15 in_s ping -c1 -W1 "$(client_tun4 "$i")" || fail "server -> c$i ping"
done
flows_to "$NS_S" "$c1" 7000 &
BG_PIDS+=($!)
flows_to "$NS_S" "$c2" 7100 || fail "flows to c2"
wait "${BG_PIDS[-1]}" || fail "flows to c1"
for i in 1 2; do
	in_s ping -c1 -W2 "$(client_tun4 "$i")" >/dev/null || log "ping to c$i after the flows lost"
	no_bad_ids "${CLI_LOG[$i]}" "openvpn client c$i"
done
stop_pid "$SRV_PID"
SRV_PID=
handed_to_home "$T/server.log"
echo "PASS: $CASE"
