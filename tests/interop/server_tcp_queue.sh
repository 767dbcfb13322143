#!/usr/bin/env bash
# --tcp-queue-limit 8 on a dcovpn TCP server, then on openvpn 2.6 with the
# same configuration: the openvpn client is stopped (SIGSTOP), the server
# sends it a bounded burst of UDP packets; once its socket is full the
# server drops packets with "MULTI: packet dropped due to output
# saturation" (verb 4). dcovpn counts them (engine: tx_queue N) and its
# byte queue holds about 8 packets, not 1 MiB. The client is resumed and
# still reaches the server.
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
server_conf tcp none disable-dco "tcp-queue-limit 8"
client_conf 1 tcp none disable-dco "rcvbuf 16384"

# burst KIND LOG: stop the client, send it 4000 UDP packets, resume it
burst() {
	local kind=$1 lg=$2 a
	wait_client 1
	a=$(client_tun4 1)
	wait_for 10 in_c 1 ping -c1 -W1 "$TUN4_S" >/dev/null || fail "$kind: ping before"
	kill -STOP "${CLI_PIDS[1]}"
	timeout 30 ip netns exec "$NS_S" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(4000):
    try:
        s.sendto(b"x" * 1200, (sys.argv[1], 9))
    except OSError:
        pass
' "$a" || fail "$kind: burst sender"
	wait_for 10 grep -q "MULTI: packet dropped due to output saturation" "$lg" ||
		fail "$kind: no output saturation drops"
	kill -CONT "${CLI_PIDS[1]}"
	wait_for 20 in_c 1 ping -c1 -W1 "$TUN4_S" >/dev/null || fail "$kind: ping after"
	log "$kind: drops logged, client reachable after"
}

start_server
start_client 1 openvpn
burst dcovpn "$T/server.log"
stop_pid "${CLI_PIDS[1]}"
stop_pid "$SRV_PID"
n=$(sed -n 's/.* tx_queue \([0-9]*\).*/\1/p' "$T/server.log" | tail -n1)
[ "${n:-0}" -gt 0 ] || fail "dcovpn counted no tx_queue drops"
log "dcovpn: $n packets dropped by --tcp-queue-limit"

# openvpn 2.6 as the server on the same configuration
start_openvpn_server
rm -f "${CLI_LOG[1]}"
start_client 1 openvpn
burst openvpn "$T/server-openvpn.log"
log "openvpn: $(grep -c 'output saturation' "$T/server-openvpn.log") drop lines"
echo "PASS: $CASE"
