#!/usr/bin/env bash
# bench/scale: dcovpn-load against a dcovpn server and against openvpn 2.6
# (/usr/sbin/openvpn) on the same server config, in one run, for each
# client count of SCALE_N; prints a table (and writes it, a chart
# scale.png when gnuplot is installed, and the raw reports to
# $BUILD/scale/).
#
#   make bench-scale                    SCALE_N="1000 10000", churn 1000
#   SCALE_SHORT=1 bench/scale.sh        200 clients, 200 cycles (~20 s)
#   SCALE_N="1000 5000" SCALE_CHURN=500 bench/scale.sh
#
# Both servers: UDP, tls-auth, ECDSA P-256 certificates (server_lib's PKI),
# duplicate-cn, a /16 pool, keepalive 10 120, verb 1, no status file.
# The load: --rate SCALE_RATE (10000) connects/s, --inflight
# SCALE_INFLIGHT (64) handshakes at once, all clients pinging the server's
# tunnel address every SCALE_PING_MS (5000) ms during a SCALE_HOLD (12) s
# hold, then SCALE_CHURN connect/disconnect cycles (on the first count
# only). The generator, both servers and the kernel share this machine's
# CPUs: compare the rows of one run.
CASE=bench-scale
. "$(dirname "$0")/../tests/interop/server_lib.bash"
. "$ROOT/tests/interop/load_lib.bash"
if [ -n "${SCALE_SHORT:-}" ]; then
	SCALE_N=${SCALE_N:-200} SCALE_CHURN=${SCALE_CHURN:-200} SCALE_HOLD=${SCALE_HOLD:-2}
	SCALE_PING_MS=${SCALE_PING_MS:-1000}
fi
SCALE_N=${SCALE_N:-1000 10000}
SCALE_CHURN=${SCALE_CHURN:-1000}
SCALE_RATE=${SCALE_RATE:-10000}
SCALE_INFLIGHT=${SCALE_INFLIGHT:-64}
SCALE_HOLD=${SCALE_HOLD:-12}
SCALE_PING_MS=${SCALE_PING_MS:-5000}
OUT=$BUILD/scale
mkdir -p "$OUT"

max_n=0
for n in $SCALE_N; do [ "$n" -gt "$max_n" ] && max_n=$n; done
# openvpn keeps an instance 5 s after its client's EXIT: room for those
load_setup_bench "$((2 * max_n + 2000))"
cp "$T/server.conf" "$T/c1.conf" "$OUT/"

row() {
	local name=$1 kind=$2 n=$3
	printf '| %s | %s | %s/%s | %s | %s | %s / %s | %s | %s | %s | %s |' \
		"$kind" "$n" "$(stat "$name" up)" "$n" "$(stat "$name" handshakes_per_s)" \
		"$(stat "$name" server_cpu_ms_per_hs)" \
		"$(stat "$name" connect_p50_ms)" "$(stat "$name" connect_p99_ms)" \
		"$(stat "$name" failures)" "$(stat "$name" pinged)" \
		"$(stat "$name" rss_per_client_kb)" "$(stat "$name" fds_per_client)"
	if [ -n "$(stat "$name" churn_cycles)" ]; then
		printf ' %s in %s s (%s/s), %s ms CPU each | %s -> %s -> %s kB, %s -> %s fds |\n' \
			"$(stat "$name" churn_cycles)" "$(stat "$name" churn_s)" \
			"$(stat "$name" churn_per_s)" "$(stat "$name" server_cpu_ms_per_cycle)" \
			"$(stat "$name" server_rss_kb)" \
			"$(stat "$name" churn_mid_rss_kb)" "$(stat "$name" churn_rss_kb)" \
			"$(stat "$name" server_fds)" "$(stat "$name" churn_fds)"
	else
		printf ' | |\n'
	fi
}

table=$OUT/results.md
{
	echo "dcovpn-load, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs," \
		"$($OPENVPN --version | head -1 | cut -d' ' -f1-2), UDP, tls-auth, P-256"
	echo
	echo "| server | clients | up | handshakes/s | server CPU ms per handshake | connect p50 / p99 ms | failures | pinged | server kB per client | fds per client | churn cycles | churn: server RSS before -> half way -> after, fds |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
} >"$table"
dat=$OUT/results.dat
echo "# clients dcovpn_hs openvpn_hs dcovpn_kb openvpn_kb dcovpn_cpu openvpn_cpu" >"$dat"
first=1
for n in $SCALE_N; do
	churn=0
	[ -n "$first" ] && churn=$SCALE_CHURN
	first=
	for kind in dcovpn openvpn; do
		name=$kind-$n
		start_server_kind "$kind"
		log "$kind: $n clients, churn $churn"
		run_load "$name" --clients "$n" --rate "$SCALE_RATE" \
			--inflight "$SCALE_INFLIGHT" --hold "$SCALE_HOLD" \
			--churn "$churn" --ping-ms "$SCALE_PING_MS" \
			--timeout $((n / 10 + churn / 5 + 120)) ||
			log "$kind, $n clients: incomplete (see $OUT/$name.out)"
		cp "$T/$name.out" "$T/$name.log" "$OUT/"
		grep -v '^stat' "$T/$name.out"
		row "$name" "$kind" "$n" >>"$table"
		stop_pid "$SRV_PID"
		SRV_PID=
	done
	echo "$n $(stat "dcovpn-$n" handshakes_per_s) $(stat "openvpn-$n" handshakes_per_s)" \
		"$(stat "dcovpn-$n" rss_per_client_kb) $(stat "openvpn-$n" rss_per_client_kb)" \
		"$(stat "dcovpn-$n" server_cpu_ms_per_hs) $(stat "openvpn-$n" server_cpu_ms_per_hs)" >>"$dat"
done
if command -v gnuplot >/dev/null; then
	gnuplot -e "dat='$dat'; png='$OUT/scale.png'; title='dcovpn-load: dcovpn and openvpn 2.6, $(nproc) CPUs, $(date -u '+%Y-%m-%d')'" \
		"$ROOT/bench/scale.gp" || log "gnuplot failed: no chart"
fi
# Data: SCALE_DATA_PPS (20000) echo requests per second of SCALE_DATA_SIZE
# (1300) bytes in all, from 1 client and then spread over 8 (issue 13:
# 8 data-moving peers must not carry less than one).
SCALE_DATA=${SCALE_DATA:-1 8}
SCALE_DATA_PPS=${SCALE_DATA_PPS:-20000}
SCALE_DATA_SIZE=${SCALE_DATA_SIZE:-1300}
dtable=$OUT/data.md
{
	echo
	echo "Data: $SCALE_DATA_PPS echo requests/s of $SCALE_DATA_SIZE bytes offered in all, 5 s"
	echo
	echo "| server | data clients | echo requests sent/s | replies received/s | Mbit/s out / in (encrypted) |"
	echo "|---|---:|---:|---:|---:|"
} >"$dtable"
for n in $SCALE_DATA; do
	for kind in dcovpn openvpn; do
		name=data-$kind-$n
		start_server_kind "$kind"
		run_load "$name" --clients "$n" --pps $((SCALE_DATA_PPS / n)) \
			--size "$SCALE_DATA_SIZE" --hold 5 --timeout 60 ||
			log "$kind, $n data clients: incomplete"
		cp "$T/$name.out" "$OUT/"
		printf '| %s | %s | %s | %s | %s / %s |\n' "$kind" "$n" \
			"$(stat "$name" echo_tx_pps)" "$(stat "$name" echo_rx_pps)" \
			"$(stat "$name" tx_mbps)" "$(stat "$name" rx_mbps)" >>"$dtable"
		stop_pid "$SRV_PID"
		SRV_PID=
	done
done
cat "$dtable" >>"$table"
echo
cat "$table"
