#!/usr/bin/env bash
# P_DATA_V1 under the multi-queue engine: one dcovpn server with
# SRV_THREADS engine threads and N Debian openvpn 2.6 clients that drop
# the pushed peer-id (pull-filter), so they send P_DATA_V1, which carries
# no peer-id: the reuseport program cannot steer it and the kernel's
# address hash picks the thread. The server must hand such packets to the
# peer's own thread (src/dco/handoff.h), so that one thread holds a peer's
# replay window:
#   - V1 on the wire (pkt.py captures only opcode 6) and every client's
#     log says the peer-id was filtered;
#   - captured V1 packets injected again from the client's own address:
#     each one counted as a replay by the server, none more;
#   - SHA-256 checked transfers both ways from all clients at once (order
#     and integrity across threads);
#   - the server's threads handed packets off (under 1% of them lost to
#     a full queue), and no packet met another thread's claim on a peer
#     (busy 0). With 6 peers over 4 threads, the
#     chance that the address hash puts every peer on its home thread (no
#     hand-off needed at all) is 4^-6.
. "$(dirname "$0")/server_lib.bash"
N=6
SRV_THREADS=${SRV_THREADS:-4}
NREPLAY=10
ns_setup "$N"
pki_make
server_conf udp auth
DCOVPN_ENGINE_THREADS=$SRV_THREADS start_server
for i in $(seq 1 "$N"); do
	client_conf "$i" udp auth 'pull-filter ignore "peer-id"'
	start_client "$i" openvpn26
done
for i in $(seq 1 "$N"); do wait_client "$i"; done
grep -q "tun0: mtu [0-9]*, $SRV_THREADS engine thread" "$T/server.log" ||
	fail "server did not start $SRV_THREADS engine threads"
for i in $(seq 1 "$N"); do
	grep -q "Pushed option removed by filter: 'peer-id" "${CLI_LOG[$i]}" ||
		fail "client $i did not filter the pushed peer-id"
	wait_for 10 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "client $i: no ping through"
done

# replays: client 1's own V1 packets, sent again from its address and port
# (the pings start once the capture is open)
in_c 1 timeout 40 python3 "$ROOT/tests/netns/pkt.py" --v1 --ready "$T/pkt.ready" \
	"sv$$c1" "$UL4_S" 1194 "$NREPLAY" >"$T/pkt.out" 2>"$T/pkt.log" &
pkt_pid=$!
BG_PIDS+=($pkt_pid)
wait_for 30 test -e "$T/pkt.ready" || fail "pkt.py did not open its capture: $(cat "$T/pkt.log")"
in_c 1 timeout 20 ping -q -c 100 -i 0.05 "$TUN4_S" >/dev/null 2>&1 &
BG_PIDS+=($!)
wait "$pkt_pid" || fail "pkt.py failed: $(cat "$T/pkt.log")"
eval "$(cat "$T/pkt.out")"
log "injected from client 1: replayed=$replayed tampered=$tampered forged=$forged"

pids=()
for i in $(seq 1 "$N"); do
	xfer_up "$i" 2 $((5300 + i)) >"$T/xu$i.out" 2>&1 &
	pids+=($!)
	xfer_down "$i" 2 $((5400 + i)) >"$T/xd$i.out" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { cat "$T"/x[ud]*.out; fail "a checked transfer failed"; }; done
for i in $(seq 1 "$N"); do
	in_c "$i" ping -c1 -W2 "$TUN4_S" >/dev/null || fail "client $i: no ping after the injection"
done

stop_pid "$SRV_PID"
SRV_PID=
grep "engine thread" "$T/server.log" | sed 's/^/# /'
# sum_field KEY: the number right after KEY on the thread lines, summed
sum_field() {
	awk -v k="$1" '/engine thread [0-9]+:/ && split($0, a, k) > 1 {
		split(a[2], b, /[^0-9]/); s += b[1] } END { print s + 0 }' "$T/server.log"
}
handed=$(sum_field "handed off ")
lost=$(sum_field "(")
busy=$(sum_field "busy ")
replays=$(sum_field "replayed ")
log "server: handed off $handed ($lost dropped: queue full), busy $busy, replays dropped $replays"
[ "$busy" -eq 0 ] || fail "packets dropped at a peer another thread held"
[ "$handed" -gt 0 ] || fail "no P_DATA_V1 packet was handed to its peer's thread"
# a full queue drops as a full socket buffer would; this load must not
# come near (a home thread scheduled out on this shared machine may)
[ $((lost * 100)) -le "$handed" ] ||
	fail "$lost of $handed handed-off packets found the queue full"
[ "$replays" -eq "$replayed" ] ||
	fail "server dropped $replays packets as replays, $replayed were injected"
echo "PASS: $CASE"
