#!/usr/bin/env bash
# N (default 30) Debian openvpn 2.6 clients sharing one certificate
# (duplicate-cn) connect at once to a dcovpn UDP server; all come up with
# distinct addresses; the server's RSS before and after gives the memory
# per client. The clients run in one namespace without configuring their
# tun devices (ifconfig-noexec), a few more run normally and ping.
. "$(dirname "$0")/server_lib.bash"
N=${N:-30}
ns_setup 2
pki_make
server_conf udp auth "tun-mtu 1400" duplicate-cn "max-clients $((N + 5))"
client_conf 1 udp auth disable-dco "tun-mtu 1400" ifconfig-noexec route-noexec
client_conf 2 udp auth "tun-mtu 1400"
start_server
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
spid=$(pgrep -P "$SRV_PID" -f dcovpn || echo "$SRV_PID")
r0=$(rss "$spid")
for k in $(seq 1 "$N"); do
	ip netns exec "sv-$$-c1" "$OPENVPN" --config "$T/c1.conf" >"$T/many$k.log" 2>&1 &
	BG_PIDS+=($!)
done
start_client 2 dcovpn
wait_client 2
for k in $(seq 1 "$N"); do
	wait_for 60 grep -q "Initialization Sequence Completed" "$T/many$k.log" ||
		fail "client $k of $N did not come up"
done
wait_for 15 in_c 2 ping -c1 -W1 "$TUN4_S" || fail "dcovpn client ping with $N others up"
sleep 1.5
r1=$(rss "$spid")
up=$(grep -c "^CLIENT_LIST," "$T/status")
[ "$up" -eq $((N + 1)) ] || fail "status lists $up clients, want $((N + 1))"
addrs=$(grep "^CLIENT_LIST," "$T/status" | cut -d, -f4 | sort -u | wc -l)
[ "$addrs" -eq $((N + 1)) ] || fail "$addrs distinct addresses for $((N + 1)) clients"
log "$((N + 1)) clients up; server RSS ${r0} kB -> ${r1} kB: $(((r1 - r0) / (N + 1))) kB per client"
echo "PASS: $CASE"
