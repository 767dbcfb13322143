#!/usr/bin/env bash
# The dcovpn server's memory under dcovpn-load (issue 13): MEM_N (default
# 500) UDP clients, then MEM_CHURN (1000) disconnect/reconnect cycles with
# all of them up. Fails when the server's RSS per client at the hold passes
# MEM_KB_MAX kB (here: 62 kB before the per-client cuts of 2026-12-07,
# 47-50 after; OpenVPN 2.6 ~155), when 3 s after the churn its RSS stayed
# more than MEM_CHURN_KB kB (in all) above its level before the churn (a
# leak of 3 kB per cycle; without malloc_trim after client frees the
# growth was +2 to +8 MB here, now +0.3 to +1.4), or when its fd count did
# not come back.
. "$(dirname "$0")/server_lib.bash"
. "$(dirname "$0")/load_lib.bash"
N=${MEM_N:-500}
CHURN=${MEM_CHURN:-1000}
MEM_KB_MAX=${MEM_KB_MAX:-54}
MEM_CHURN_KB=${MEM_CHURN_KB:-3000}
load_setup "$N"
sed -i -e '/^status /d' -e '/^status-version /d' -e 's/^verb 4$/verb 1/' "$T/server.conf"
start_server_kind dcovpn
run_load mem --clients "$N" --rate 1000 --inflight 64 --hold 2 --churn "$CHURN" \
	--settle 3 --ping-ms 1000 --timeout 50 ||
	load_fail mem "dcovpn-load did not complete"
grep -v '^stat' "$T/mem.out"
[ "$(stat mem pinged)" = "$N" ] || load_fail mem "not every client pinged through"
[ "$(stat mem failures)" = 0 ] || load_fail mem "handshakes failed"
[ "$(stat mem churn_cycles)" = "$CHURN" ] || load_fail mem "churn incomplete"
kb=$(stat mem rss_per_client_kb)
awk -v k="$kb" -v m="$MEM_KB_MAX" 'BEGIN { exit !(k <= m) }' ||
	load_fail mem "server RSS $kb kB per client, bound $MEM_KB_MAX"
r0=$(stat mem server_rss_kb) r1=$(stat mem churn_rss_kb)
[ $((r1 - r0)) -le "$MEM_CHURN_KB" ] ||
	load_fail mem "server RSS $r0 -> $r1 kB over $CHURN churn cycles, bound +$MEM_CHURN_KB"
f0=$(stat mem server_fds) f1=$(stat mem churn_fds)
[ "$f1" -le "$f0" ] || load_fail mem "server fds $f0 -> $f1 after the churn"
log "$kb kB per client (bound $MEM_KB_MAX), churn $r0 -> $r1 kB (bound +$MEM_CHURN_KB)"
echo "PASS: $CASE"
