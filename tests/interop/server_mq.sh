#!/usr/bin/env bash
# The multi-queue engine under a server: one dcovpn server with several
# engine threads (SRV_THREADS, default 4: more than this
# machine's CPUs) and 8 dcovpn clients. First one client alone runs a
# SECS-second iperf3 TCP stream each way, then all 8 at once: the
# aggregate rate must reach at least 75% of the single client's (no
# collapse; both figures are logged: the target is 100%, the margin is for
# this shared machine, where one run to the next differs by 20%; up to 3
# pairs of runs; tests/run runs this case alone). Then 2 MB to every client at once,
# SHA-256 checked. Then the server's
# engine tells, per thread, how many packets it handled (all threads took
# a share) and that no packet met another thread's claim on a peer.
. "$(dirname "$0")/server_lib.bash"
. "$(dirname "$0")/iperf_lib.bash"
N=8
SECS=${SECS:-4}
SRV_THREADS=${SRV_THREADS:-4}
ns_setup "$N"
pki_make
server_conf udp auth "tun-mtu 1400"
DCOVPN_ENGINE_THREADS=$SRV_THREADS start_server
for i in $(seq 1 "$N"); do
	client_conf "$i" udp auth "tun-mtu 1400"
	# one thread per client: 8 of them share this machine's CPUs
	DCOVPN_ENGINE_THREADS=1 start_client "$i" dcovpn
done
for i in $(seq 1 "$N"); do wait_client "$i"; done
grep -q "tun0: mtu 1400, $SRV_THREADS engine thread" "$T/server.log" ||
	fail "server did not start $SRV_THREADS engine threads"

iperf_servers "$N"
# a pair of measurements (one, then all) is repeated, up to 3 times, while
# the aggregate stays under 75%: other jobs on this machine can take a CPU
# for seconds (seen: 54% once at load 30); a collapse fails every pair
for dir in up down; do
	ok=0
	for round in 1 2 3; do
		one=$(iperf_run "$dir" 1)
		all=$(iperf_run "$dir" $(seq 1 "$N"))
		log "$dir, round $round: 1 client $one Mbit/s, $N clients together $all Mbit/s"
		[ "$all" -ge $((one * 3 / 4)) ] && { ok=1; break; }
	done
	[ "$ok" -eq 1 ] ||
		fail "$dir: $N clients together under 75% of one client's rate in 3 rounds"
done
# integrity under the multi-queue engine, all clients at once
pids=()
for i in $(seq 1 "$N"); do
	xfer_down "$i" 2 $((5300 + i)) >"$T/xd$i.out" 2>&1 &
	pids+=($!)
done
for i in "${pids[@]}"; do wait "$i" || { cat "$T"/xd*.out; fail "a checked transfer failed"; }; done

stop_pid "$SRV_PID"
SRV_PID=
grep "engine thread" "$T/server.log" | sed 's/^/# /'
busy=$(grep -c "engine thread .* busy [1-9]" "$T/server.log" || true)
[ "$busy" -eq 0 ] || fail "packets dropped at a peer another thread held"
idle=$(grep -c "engine thread .*: 0 packets in" "$T/server.log" || true)
[ "$idle" -eq 0 ] || fail "an engine thread received nothing"
echo "PASS: $CASE"
