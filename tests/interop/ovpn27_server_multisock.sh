#!/usr/bin/env bash
# OpenVPN 2.7's multi-socket server: one dcovpn server with three --local
# lines (UDP over IPv4, UDP over IPv6, TCP over IPv4, all on port 1194) and
# client-to-client. On each socket an openvpn 2.6 client and an openvpn
# 2.7 client, all six at once: every client pings the next one through the
# server (a ring over all three sockets), a 2.7 UDP/IPv4 client sends a
# file to a 2.6 TCP client and a 2.7 UDP/IPv6 client one to the server;
# the status file and the management interface list all six with their
# real addresses. OpenVPN 2.7 serves this config with DCO off; dcovpn's
# engine carries every socket (its log says which UDP sockets it reads).
. "$(dirname "$0")/ovpn27.bash"
OPENVPN27=$OPENVPN
OPENVPN=/usr/sbin/openvpn
. "$(dirname "$0")/server_lib.bash"
MB=${MB:-5}
MC=$LIB_DIR/mgmt_client.py
ns_setup 6
pki_make
printf '#!/bin/sh\nenv >"%s/up.env"\n' "$T" >"$T/up.sh"
chmod +x "$T/up.sh"
server_conf udp crypt "client-to-client" "management 127.0.0.1 7505" \
	"local $UL4_S 1194 udp4" "local $UL6_S 1194 udp6" "local $UL4_S 1194 tcp4" \
	"script-security 2" "up $T/up.sh"
# socket per client: c1/c2 UDPv4, c3/c4 UDPv6, c5/c6 TCPv4; odd 2.6, even 2.7
proto=(- udp4 udp4 udp6 udp6 tcp4-client tcp4-client)
for i in 1 2 3 4 5 6; do
	client_conf "$i" "${proto[$i]}" crypt disable-dco
	case $i in 3 | 4) sed -i "s/^remote $UL4_S 1194/remote $UL6_S 1194/" "$T/c$i.conf" ;; esac
done
start_server
for l in "UDPv4 link local (bound): \[AF_INET\]$UL4_S:1194" \
	"UDPv6 link local (bound): \[AF_INET6\]$UL6_S:1194" \
	"Listening for incoming TCP connection on \[AF_INET\]$UL4_S:1194"; do
	grep -q "$l" "$T/server.log" || fail "server log lacks '$l'"
done
# the up script sees each socket as 2.7 sets it (proto_N, local_N, local_port_N)
for v in "proto_1=udp4" "local_1=$UL4_S" "local_port_1=1194" "proto_2=udp6" \
	"local_2=$UL6_S" "proto_3=tcp4-server" "local_port_3=1194"; do
	grep -qx "$v" "$T/up.env" || fail "up script environment lacks $v"
done
for i in 1 2 3 4 5 6; do
	if [ $((i % 2)) = 0 ]; then OPENVPN=$OPENVPN27; else OPENVPN=/usr/sbin/openvpn; fi
	start_client "$i" openvpn
done
for i in 1 2 3 4 5 6; do wait_client "$i"; done
grep -q "OpenVPN 2.7" "${CLI_LOG[2]}" || fail "c2 is not OpenVPN 2.7"
grep -q "OpenVPN 2.6" "${CLI_LOG[1]}" || fail "c1 is not OpenVPN 2.6"
declare -A tun
for i in 1 2 3 4 5 6; do tun[$i]=$(client_tun4 "$i"); done
# each client's peer came in on its own socket
real=(- "198.18.66.11:" "198.18.66.12:" "fd00:66::13" "fd00:66::14" "198.18.66.15:" "198.18.66.16:")
for i in 1 2 3 4 5 6; do
	grep -q "cli$i/${real[$i]}" "$T/server.log" || fail "c$i did not come from ${real[$i]}"
done
grep -q "TCP connection established with \[AF_INET\]198.18.66.15:" "$T/server.log" ||
	fail "c5 not over TCP"
for i in 1 2 3 4 5 6; do
	j=$((i % 6 + 1))
	wait_for 15 in_c "$i" ping -c1 -W1 "${tun[$j]}" || fail "c$i -> c$j ping (client-to-client)"
	in_c "$i" ping -6 -c1 -W2 "$TUN6_S" >/dev/null || fail "c$i -> server IPv6 ping"
done
log "ring of client-to-client pings over UDPv4, UDPv6 and TCPv4: all answered"
# c2 (2.7, UDPv4) -> c5 (2.6, TCPv4), through the server's engine
head -c "$((MB << 20))" /dev/urandom >"$T/c2c.blob"
want="$(stat -c %s "$T/c2c.blob") $(sha256sum "$T/c2c.blob" | cut -d' ' -f1)"
timeout 60 ip netns exec "sv-$$-c5" python3 "$XFER" recv "${tun[5]}" 6003 >"$T/c2c.out" &
rpid=$!
sleep 0.3
timeout 60 ip netns exec "sv-$$-c2" python3 "$XFER" send "${tun[5]}" 6003 "$T/c2c.blob" ||
	fail "c2 -> c5 send"
wait "$rpid" || fail "c5 receive"
[ "$(cat "$T/c2c.out")" = "$want" ] || fail "c2 -> c5: got '$(cat "$T/c2c.out")', want '$want'"
xfer_up 4 "$MB" 6004 || fail "transfer from c4 (2.7, UDPv6)"
log "$MB MB c2 (2.7 UDPv4) -> c5 (2.6 TCPv4) and c4 (2.7 UDPv6) -> server, SHA-256 match"
wait_for 5 sh -c "[ \$(grep -c '^CLIENT_LIST' '$T/status') -eq 6 ]" ||
	fail "status file does not list six clients"
for i in 1 2 3 4 5 6; do
	status_has "^CLIENT_LIST,cli$i,${real[$i]}" || fail "status: no cli$i from ${real[$i]}"
done
status_valid 2 || fail "status file format"
steps=("send:load-stats" "expect:^SUCCESS: nclients=6,")
for i in 1 2 3 4 5 6; do
	steps+=("send:status 2" "expect:^CLIENT_LIST,cli$i,${real[$i]}" "expect:^END")
done
in_s python3 "$MC" 127.0.0.1:7505 "${steps[@]}" >"$T/mgmt.log" 2>&1 ||
	{ cat "$T/mgmt.log"; fail "management status"; }
log "status file and management list all six clients on their sockets"

# The same configuration served by OpenVPN 2.7.8: it accepts the three
# sockets too; a transfer from the 2.7 UDPv6 client (c4) through each
# server, timed (2.7 carries it in user space here; dcovpn in its engine).
XMB=${XMB:-20}
secs() { local t0=$(date +%s%N); "$@" || return 1; echo $(( ($(date +%s%N) - t0) / 1000000 )); }
ms_dco=$(secs xfer_up 4 "$XMB" 6005) || fail "timed transfer through dcovpn"
for i in 1 2 3 4 5 6; do stop_pid "${CLI_PIDS[$i]}"; CLI_PIDS[$i]=; mv "${CLI_LOG[$i]}" "$T/c$i-dcovpn-srv.log"; done
stop_pid "$SRV_PID"
mv "$T/server.log" "$T/server-dcovpn.log"
ip netns exec "$NS_S" "$OPENVPN27" --config "$T/server.conf" >"$T/server.log" 2>&1 &
SRV_PID=$!
wait_for 10 grep -q "Initialization Sequence Completed" "$T/server.log" ||
	fail "openvpn 2.7 did not start on the same configuration"
OPENVPN=$OPENVPN27 start_client 4 openvpn
wait_client 4
wait_for 15 in_c 4 ping -c1 -W1 "$TUN4_S" || fail "c4 -> openvpn 2.7 server ping"
ms_ovpn=$(secs xfer_up 4 "$XMB" 6006) || fail "timed transfer through openvpn 2.7"
log "$XMB MB from the 2.7 UDPv6 client: dcovpn ${ms_dco} ms, openvpn 2.7.8 on the same config ${ms_ovpn} ms"
echo "PASS: $CASE"
