#!/usr/bin/env bash
# dcovpn-load (LOAD_N clients, default 200, one certificate, tls-auth)
# against a dcovpn UDP server, then the same against Debian's openvpn 2.6
# on the same config: every client completes TLS, key method 2 and pull,
# and pings the server's tunnel address through the data channel; then
# LOAD_CHURN (200) disconnect/reconnect cycles. Both runs must complete
# without failures; the server's fd count must come back after the churn,
# and dcovpn's RSS per client must be below openvpn's.
. "$(dirname "$0")/server_lib.bash"
. "$(dirname "$0")/load_lib.bash"
N=${LOAD_N:-200}
CHURN=${LOAD_CHURN:-200}
load_setup "$N"
for kind in dcovpn openvpn; do
	start_server_kind "$kind"
	run_load "$kind" --clients "$N" --rate 1000 --inflight 64 --hold 2 \
		--churn "$CHURN" --settle 3 --ping-ms 500 --timeout 45 ||
		load_fail "$kind" "dcovpn-load against $kind did not complete"
	cat "$T/$kind.out" | grep -v '^stat'
	[ "$(stat "$kind" pinged)" = "$N" ] || load_fail "$kind" "$kind: not every client pinged through"
	[ "$(stat "$kind" failures)" = 0 ] || load_fail "$kind" "$kind: handshakes failed"
	[ "$(stat "$kind" churn_cycles)" = "$CHURN" ] || load_fail "$kind" "$kind: churn incomplete"
	fds=$(stat "$kind" server_fds) cfds=$(stat "$kind" churn_fds)
	[ "$cfds" -le "$fds" ] || load_fail "$kind" "$kind: server fds $fds -> $cfds after the churn"
	stop_pid "$SRV_PID"
	SRV_PID=
done
# issue 13: less server memory per client than OpenVPN on the same load
kd=$(stat dcovpn rss_per_client_kb) ko=$(stat openvpn rss_per_client_kb)
awk -v d="$kd" -v o="$ko" 'BEGIN { exit !(d < o) }' ||
	fail "dcovpn $kd kB per client, not below openvpn's $ko"
log "server kB per client: dcovpn $kd, openvpn $ko"
echo "PASS: $CASE"
