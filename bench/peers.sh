#!/usr/bin/env bash
# bench/peers: aggregate TCP throughput through one server with 1 and with
# N (8) data-moving clients at once, dcovpn's server and Debian's openvpn
# 2.6 (/usr/sbin/openvpn, its user-space data path unless the ovpn-dco
# module is loaded) on the same config, with the same clients, in
# PEERS_ROUNDS (3) interleaved rounds (this shared machine drifts from one
# minute to the next: compare within a round).
#
#   bench/peers.sh                         3 rounds, 5 s streams
#   PEERS_ROUNDS=1 PEERS_SECS=3 bench/peers.sh
#   PEERS_THREADS=4 bench/peers.sh         dcovpn's engine threads (default:
#                                          one per CPU)
#   PEERS_V1=1 bench/peers.sh              clients send P_DATA_V1 (Debian's
#                                          openvpn clients, peer-id filtered)
#
# Server: UDP, tls-auth, topology subnet, tun-mtu 1400 (server_lib.bash).
# Clients: dcovpn with one engine thread each (PEERS_V1: openvpn 2.6 with
# pull-filter ignore "peer-id"), each running one iperf3 TCP stream to the
# server's tunnel address, up (client sends) then down. Prints one line per
# server and round: up 1, up N, down 1, down N in Mbit/s, and N/1 ratios.
CASE=bench-peers
. "$(dirname "$0")/../tests/interop/server_lib.bash"
. "$ROOT/tests/interop/iperf_lib.bash"
N=${PEERS_N:-8}
SECS=${PEERS_SECS:-5}
ROUNDS=${PEERS_ROUNDS:-3}
KINDS=${PEERS_KINDS:-dcovpn openvpn}
CLI_KIND=dcovpn
EXTRA=()
if [ -n "${PEERS_V1:-}" ]; then
	CLI_KIND=openvpn26
	EXTRA=('pull-filter ignore "peer-id"')
fi
ns_setup "$N"
pki_make
server_conf udp auth "tun-mtu 1400"
for i in $(seq 1 "$N"); do client_conf "$i" udp auth "tun-mtu 1400" "${EXTRA[@]}"; done

# udp_errs NS...: UDP receive-buffer overflows summed over namespaces NS
udp_errs() {
	local ns
	for ns in "$@"; do
		ip netns exec "$ns" awk '/^Udp:/ && ++n == 2 { print $6 }' /proc/net/snmp
	done | awk '{ s += $1 } END { print s + 0 }'
}

# one_round KIND: the server and N clients up, the four figures, all down
one_round() {
	local kind=$1 bin=$DCOVPN i first=${#BG_PIDS[@]} up1 upn dn1 dnn
	[ "$kind" = openvpn ] && bin=/usr/sbin/openvpn
	: >"$T/server.log"
	ip netns exec "$NS_S" env ${PEERS_THREADS:+DCOVPN_ENGINE_THREADS=$PEERS_THREADS} \
		"$bin" --config "$T/server.conf" >"$T/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server.log" ||
		fail "$kind server did not start"
	for i in $(seq 1 "$N"); do DCOVPN_ENGINE_THREADS=1 start_client "$i" "$CLI_KIND"; done
	for i in $(seq 1 "$N"); do wait_client "$i"; done
	iperf_servers "$N"
	up1=$(iperf_run up 1)
	upn=$(iperf_run up $(seq 1 "$N"))
	dn1=$(iperf_run down 1)
	dnn=$(iperf_run down $(seq 1 "$N"))
	printf '%-8s up 1 %5s, up %s %5s (%3s%%) | down 1 %5s, down %s %5s (%3s%%) Mbit/s\n' \
		"$kind" "$up1" "$N" "$upn" $((upn * 100 / (up1 ? up1 : 1))) \
		"$dn1" "$N" "$dnn" $((dnn * 100 / (dn1 ? dn1 : 1)))
	printf '#   UDP receive-buffer overflows so far: server %s, clients %s\n' \
		"$(udp_errs "$NS_S")" "$(udp_errs "${NS_LIST[@]:1}")"
	for i in $(seq 1 "$N"); do stop_pid "${CLI_PIDS[$i]}"; done
	stop_pid "$SRV_PID"
	SRV_PID=
	grep "engine thread" "$T/server.log" | sed 's/^/#   /' || true
	for i in "${BG_PIDS[@]:$first}"; do stop_pid "$i"; done
	BG_PIDS=("${BG_PIDS[@]:0:$first}")
}

for r in $(seq 1 "$ROUNDS"); do
	for kind in $KINDS; do
		printf 'round %s ' "$r"
		one_round "$kind"
	done
done
