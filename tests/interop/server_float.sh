#!/usr/bin/env bash
# float: an openvpn 2.6 client of a dcovpn UDP server changes its address
# mid-stream; the server follows it (data and control: a renegotiation
# after the move completes), pings keep flowing, the status file shows
# the new address.
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
server_conf udp auth "tun-mtu 1400" "reneg-sec 6"
client_conf 1 udp auth disable-dco "tun-mtu 1400"
start_server
start_client 1 openvpn
wait_client 1
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "ping before the move"
dev=sv$$c1
in_c 1 ping -i 0.1 -c 60 -W 1 "$TUN4_S" >"$T/ping.log" 2>&1 &
ppid=$!
BG_PIDS+=($ppid)
sleep 1
in_c 1 sysctl -qw "net.ipv4.conf.$dev.promote_secondaries=1"
in_c 1 ip addr add 198.18.66.111/24 dev "$dev"
in_c 1 ip addr del 198.18.66.11/24 dev "$dev"
wait_for 10 grep -q "Peer float: now" "$T/server.log" || fail "server did not follow the float"
wait "$ppid" || true
loss=$(grep -oE '[0-9.]+% packet loss' "$T/ping.log" | cut -d% -f1)
awk -v l="$loss" 'BEGIN { exit !(l <= 10) }' || fail "ping loss $loss% across the move"
wait_for 5 status_has "^CLIENT_LIST,cli1,198\.18\.66\.111:" || fail "status lacks the new address"
# reneg-sec 6: a renegotiation after the move proves control follows too
n0=$(grep -c "soft reset" "$T/server.log" || true)
wait_for 15 bash -c "[ \$(grep -c 'soft reset of key-id' '$T/server.log') -gt $n0 ]" ||
	fail "no renegotiation after the float"
xfer_up 1 10 6001 || fail "transfer after the float"
log "float followed; ping loss $loss%; renegotiated after the move"
echo "PASS: $CASE"
