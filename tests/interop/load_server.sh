#!/usr/bin/env bash
# dcovpn-load (LOAD_N clients, default 200, one certificate, tls-auth)
# against a dcovpn UDP server, then the same against Debian's openvpn 2.6
# on the same config: every client completes TLS, key method 2 and pull,
# and pings the server's tunnel address through the data channel; then
# LOAD_CHURN (200) disconnect/reconnect cycles. Both runs must complete
# without failures; the server's fd count must come back after the churn.
. "$(dirname "$0")/server_lib.bash"
. "$(dirname "$0")/load_lib.bash"
N=${LOAD_N:-200}
CHURN=${LOAD_CHURN:-200}
ns_setup 1
pki_make
load_net
# openvpn keeps an instance 5 s after its client's EXIT (push.c
# receive_exit_message): room in max-clients and the pool for those
server_conf udp auth "tun-mtu 1400" duplicate-cn "max-clients $((4 * N + 100))" \
	"explicit-exit-notify 1"
sed -i 's/^server 198.19.66.0 255.255.255.0$/server 198.19.64.0 255.255.252.0/' "$T/server.conf"
client_conf 1 udp auth
for kind in dcovpn openvpn; do
	start_server_kind "$kind"
	run_load "$kind" --clients "$N" --rate 1000 --inflight 64 --hold 2 \
		--churn "$CHURN" --ping-ms 500 --timeout 40 ||
		{ cat "$T/$kind.out"; fail "dcovpn-load against $kind did not complete"; }
	cat "$T/$kind.out" | grep -v '^stat'
	[ "$(stat "$kind" pinged)" = "$N" ] || fail "$kind: not every client pinged through"
	[ "$(stat "$kind" failures)" = 0 ] || fail "$kind: handshakes failed"
	[ "$(stat "$kind" churn_cycles)" = "$CHURN" ] || fail "$kind: churn incomplete"
	fds=$(stat "$kind" server_fds) cfds=$(stat "$kind" churn_fds)
	[ "$cfds" -le "$fds" ] || fail "$kind: server fds $fds -> $cfds after the churn"
	stop_pid "$SRV_PID"
	SRV_PID=
done
echo "PASS: $CASE"
