#!/usr/bin/env bash
# bench/idle: what IDLE_N (1000) connected clients cost a dcovpn server when
# they only keep the session up: server CPU % over an IDLE_HOLD (20) s hold
# with keepalive 10 120 and no data (--ping-ms longer than the hold), and
# the server's CPU ms per handshake during the ramp. IDLE_BINS: the server
# binaries to compare (default $DCOVPN), run in turn IDLE_REPEAT (2) times
# (A B A B: other work on the machine spreads over both), one line each:
#   IDLE_BINS="/tmp/old/dcovpn build/dcovpn" bench/idle.sh
CASE=bench-idle
. "$(dirname "$0")/../tests/interop/server_lib.bash"
. "$ROOT/tests/interop/load_lib.bash"
IDLE_N=${IDLE_N:-1000}
IDLE_HOLD=${IDLE_HOLD:-20}
IDLE_REPEAT=${IDLE_REPEAT:-2}
IDLE_BINS=${IDLE_BINS:-$DCOVPN}
load_setup "$IDLE_N"
sed -i -e '/^status /d' -e '/^status-version /d' -e 's/^verb 4$/verb 1/' \
	"$T/server.conf"
for r in $(seq "$IDLE_REPEAT"); do
	for bin in $IDLE_BINS; do
		DCOVPN=$bin
		start_server_kind dcovpn
		run_load idle --clients "$IDLE_N" --rate 2000 --inflight 64 \
			--hold "$IDLE_HOLD" --ping-ms $((IDLE_HOLD * 2000 + 60000)) \
			--timeout $((IDLE_N / 10 + IDLE_HOLD + 60)) ||
			log "$bin: incomplete"
		printf 'run %s %s: up %s, server CPU %s %% idle, %s ms per handshake, %s kB per client\n' \
			"$r" "$bin" "$(stat idle up)" "$(stat idle server_cpu_pct_hold)" \
			"$(stat idle server_cpu_ms_per_hs)" "$(stat idle rss_per_client_kb)"
		stop_pid "$SRV_PID"
		SRV_PID=
	done
done
