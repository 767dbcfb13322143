#!/usr/bin/env bash
# dcovpn-load with each control-channel wrapping: 30 clients with
# tls-crypt, then 30 with tls-crypt-v2 (one client key shared by all),
# against Debian's openvpn 2.6 and against a dcovpn server; every client
# must come up and ping through, and say goodbye (10 churn cycles).
. "$(dirname "$0")/server_lib.bash"
. "$(dirname "$0")/load_lib.bash"
N=${LOAD_N:-30}
ns_setup 1
pki_make
load_net
for wrap in crypt v2; do
	server_conf udp "$wrap" duplicate-cn "max-clients $((4 * N + 50))" \
		"explicit-exit-notify 1"
	client_conf 1 udp "$wrap"
	for kind in openvpn dcovpn; do
		start_server_kind "$kind"
		run_load "$kind-$wrap" --clients "$N" --rate 1000 --inflight 32 \
			--hold 1 --churn 10 --ping-ms 300 --timeout 20 ||
			load_fail "$kind-$wrap" "tls-$wrap against $kind did not complete"
		grep '^ramp' "$T/$kind-$wrap.out"
		[ "$(stat "$kind-$wrap" pinged)" = "$N" ] ||
			load_fail "$kind-$wrap" "tls-$wrap against $kind: not every client pinged through"
		stop_pid "$SRV_PID"
		SRV_PID=
	done
done
echo "PASS: $CASE"
