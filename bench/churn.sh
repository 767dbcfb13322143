#!/usr/bin/env bash
# bench/churn: what clients coming and going cost a dcovpn server with many
# clients up: CHURN_N (3000) clients connect (--rate 2000, --inflight 64),
# hold 2 s, then CHURN_CYCLES (2000) connect/disconnect cycles, then all of
# them say goodbye at once (a teardown). Per run: the server's CPU ms per
# handshake (ramp), per churn cycle, and over the goodbyes (total and per
# client), from /proc/PID/stat as dcovpn-load reports them. The server
# config is bench/scale's (UDP, tls-auth, duplicate-cn, a /16 pool,
# keepalive 10 120, verb 1) with max-clients CHURN_MAX (2 N + 2000).
# CHURN_BINS: the server binaries to compare, run in turn CHURN_REPEAT (2)
# times (A B A B), one line each; the word openvpn runs $OPENVPN (openvpn
# 2.6) as the server on the same config:
#   CHURN_BINS="/tmp/old/dcovpn build/dcovpn openvpn" bench/churn.sh
# CHURN_PERF=1: perf record -g on the server for each run, the data in
# $BUILD/churn-RUN-DIR.perf (DIR: the binary's directory name).
CASE=bench-churn
. "$(dirname "$0")/../tests/interop/server_lib.bash"
. "$ROOT/tests/interop/load_lib.bash"
CHURN_N=${CHURN_N:-3000}
CHURN_CYCLES=${CHURN_CYCLES:-2000}
CHURN_MAX=${CHURN_MAX:-$((2 * CHURN_N + 2000))}
CHURN_REPEAT=${CHURN_REPEAT:-2}
CHURN_BINS=${CHURN_BINS:-$DCOVPN}
load_setup_bench "$CHURN_MAX"
for r in $(seq "$CHURN_REPEAT"); do
	for bin in $CHURN_BINS; do
		if [ "$bin" = openvpn ]; then
			start_server_kind openvpn
			tag=$r-openvpn
		else
			DCOVPN=$bin
			start_server_kind dcovpn
			tag=$r-$(basename "$(dirname "$bin")")
		fi
		perf_pid=
		if [ -n "${CHURN_PERF:-}" ]; then
			perf record -q -g -p "$SRV_PID" -o "$BUILD/churn-$tag.perf" \
				>/dev/null 2>&1 &
			perf_pid=$!
		fi
		run_load churn --clients "$CHURN_N" --rate 2000 --inflight 64 \
			--hold 2 --ping-ms 60000 --churn "$CHURN_CYCLES" \
			--timeout $((CHURN_N / 10 + CHURN_CYCLES / 10 + 120)) ||
			log "$bin: dcovpn-load exit $? (complete: $(stat churn complete))"
		printf 'run %s %s: up %s, %s ms per handshake, churn %s/s %s ms per cycle, goodbye of %s in %s s: %s ms (%s ms per client)\n' \
			"$r" "$bin" "$(stat churn up)" "$(stat churn server_cpu_ms_per_hs)" \
			"$(stat churn churn_per_s)" "$(stat churn server_cpu_ms_per_cycle)" \
			"$(stat churn bye_clients)" "$(stat churn bye_s)" \
			"$(stat churn server_cpu_ms_bye)" "$(stat churn server_cpu_ms_per_bye)"
		cp "$T/churn.out" "$BUILD/churn-$tag.out"
		if [ -n "$perf_pid" ]; then
			kill -INT "$perf_pid"
			wait "$perf_pid"
		fi
		stop_pid "$SRV_PID"
		SRV_PID=
	done
done
