#!/usr/bin/env bash
# Packet-ids leave in order with several engine threads (client): a
# dcovpn client with DCOVPN_ENGINE_THREADS=2 sends FLOWS UDP flows at once
# (interleaved datagram by datagram, so the multi-queue tun spreads them
# over both threads' queues) to an openvpn 2.6 server whose replay-window
# is small (REPLAY_WINDOW, default 8). The server must log no "bad packet
# ID" (its replay check, verb 2+). Before the fix both threads took ids
# from the peer's counter and sent their own batches: ids arrived
# interleaved by up to a batch and the server dropped hundreds as replays.
# Now the thread that is not the peer's home hands the plaintext to the
# home, which numbers and sends it (src/dco/tx_handoff.c): the client's
# engine shows that hand-off at exit (red on the old engine: 600-1300 bad
# packet IDs a run; 300 with openvpn's default window of 64). The flows
# load both CPUs for seconds: tests/run runs this case alone.
# tx_order_server: the server side.
# TUN_MTU (e.g. 9000, with SIZE=8000): both ends' tun-mtu, for slots sized
# beyond the default.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/txorder_lib.bash"
FLOWS=${FLOWS:-8}
COUNT=${COUNT:-100000}
WINDOW=${REPLAY_WINDOW:-8}
export DCOVPN_ENGINE_THREADS=2
ns_setup
pki_make
mtu=()
[ -n "${TUN_MTU:-}" ] && mtu=("tun-mtu $TUN_MTU")
server_conf udp 4 crypt "replay-window $WINDOW" "${mtu[@]}"
client_conf udp 4 crypt "${mtu[@]}"
start_server
start_client
ping_both
flows_to "$NS_C" "$TUN4_S" 7000
# the last datagrams are through (or lost) once a ping after them is back
in_c ping -c1 -W2 "$TUN4_S" >/dev/null || log "ping after the flows lost"
no_bad_ids "$T/server.log" "openvpn server"
stop_pid "$CLI_PID"
CLI_PID=
handed_to_home "$T/client.log"
echo "PASS: $CASE"
