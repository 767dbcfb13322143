#!/usr/bin/env bash
# Without duplicate-cn, a second client with the same certificate (CN
# cli1) replaces the first: the server drops the older session, lists only
# the new one and carries its traffic; checked against openvpn 2.6 as the
# server on the same config. (The dcovpn server finds same-CN clients in
# its name index, server_index.c, not by a walk over every slot.)
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
server_conf udp auth "tun-mtu 1400"
client_conf 1 udp auth disable-dco "tun-mtu 1400"
client_conf 2 udp auth disable-dco "tun-mtu 1400"
sed -i "s|cli2\\.crt|cli1.crt|; s|cli2\\.key|cli1.key|" "$T/c2.conf"

# only_c2_listed: the status file lists one client, CN cli1 from c2's address
only_c2_listed() {
	[ "$(grep -c '^CLIENT_LIST,' "$T/status")" -eq 1 ] &&
		grep -q '^CLIENT_LIST,cli1,198\.18\.66\.12:' "$T/status"
}

# run KIND LOG: both clients in turn against the KIND server
run() {
	local kind=$1 log=$2
	rm -f "$T/status"
	if [ "$kind" = dcovpn ]; then start_server; else start_openvpn_server; fi
	start_client 1 openvpn
	wait_client 1
	wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "$kind: c1 ping"
	start_client 2 openvpn
	wait_client 2
	wait_for 10 grep -q "new connection by client" "$log" ||
		fail "$kind: the first session was not dropped"
	wait_for 10 only_c2_listed || {
		cat "$T/status"
		fail "$kind: status does not list c2 alone"
	}
	wait_for 15 in_c 2 ping -c1 -W1 "$TUN4_S" || fail "$kind: c2 ping"
	stop_pid "${CLI_PIDS[1]}"
	stop_pid "${CLI_PIDS[2]}"
	stop_pid "$SRV_PID"
	SRV_PID=
	in_c 1 ip link del tun0 2>/dev/null || true
	in_c 2 ip link del tun0 2>/dev/null || true
}

run dcovpn "$T/server.log"
run openvpn "$T/server-openvpn.log"
echo "PASS: $CASE"
