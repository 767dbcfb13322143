#!/usr/bin/env bash
# --max-routes-per-client 3 on a dcovpn server, then on openvpn 2.6 with
# the same configuration: cli1's VPN addresses (IPv4 and IPv6) take two
# routes, so of its ccd file's three iroutes only one is learned: the
# last line (OpenVPN learns a file's iroutes last first); the other two
# are refused with OpenVPN's "route quota (3) exceeded" and "Learn FAILED"
# lines and are not reachable through the server. The log is read before
# any packet: openvpn also counts the host routes it caches for sources
# in an iroute network (dcovpn's engine caches none).
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
mkdir -p "$T/ccd"
printf 'iroute 198.19.%s.0 255.255.255.0\n' 77 78 79 >"$T/ccd/cli1"
server_conf udp none "client-config-dir $T/ccd" disable-dco \
	"max-routes-per-client 3" "route 198.19.77.0 255.255.255.0" \
	"route 198.19.78.0 255.255.255.0" "route 198.19.79.0 255.255.255.0"
client_conf 1 udp none disable-dco

# check KIND LOG: the quota refuses 77 and 78, 79 is routed to cli1
check() {
	local kind=$1 lg=$2 n
	wait_client 1
	n=$(grep -c "MULTI ROUTE: route quota (3) exceeded for cli1/.* (see --max-routes-per-client option)" "$lg")
	[ "$n" = 2 ] || fail "$kind: $n quota lines, not 2"
	for net in 77 78; do
		grep -q "MULTI: Learn FAILED: 198.19.$net.0/24 -> cli1/" "$lg" ||
			fail "$kind: no 'Learn FAILED' for 198.19.$net.0/24"
	done
	in_c 1 ip addr add 198.19.77.1/32 dev lo 2>/dev/null || true
	in_c 1 ip addr add 198.19.79.1/32 dev lo 2>/dev/null || true
	wait_for 10 in_s ping -c1 -W1 198.19.79.1 >/dev/null ||
		fail "$kind: iroute 198.19.79.0/24 via cli1 unreachable"
	in_s ping -c1 -W1 198.19.77.1 >/dev/null &&
		fail "$kind: 198.19.77.0/24 beyond the quota is routed"
	log "$kind: 1 of 3 iroutes learned, 2 refused by the quota"
}

start_server
start_client 1 openvpn
check dcovpn "$T/server.log"

# openvpn 2.6 as the server on the same configuration
stop_pid "${CLI_PIDS[1]}"
stop_pid "$SRV_PID"
start_openvpn_server
rm -f "${CLI_LOG[1]}"
start_client 1 openvpn
check openvpn "$T/server-openvpn.log"
echo "PASS: $CASE"
