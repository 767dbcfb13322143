#!/usr/bin/env bash
# A TCP server under a connection flood (issue 15): 2000 silent TCP
# connections and 200 that send one byte a second, from 40 addresses (one
# of them makes half the connections), each opened again as soon as the
# server closes it. Meanwhile a real openvpn 2.6
# client connects and pings through within 2 s, and the server's memory and
# descriptors stay bounded. tls-auth is on: no flood packet is valid.
# (DCOVPN=/usr/sbin/openvpn runs the same against OpenVPN as the server.)
. "$(dirname "$0")/server_lib.bash"
IDLE=${IDLE:-2000}
SLOW=${SLOW:-200}
NSRC=40
LIMIT_MS=${LIMIT_MS:-2000}
ns_setup 2
pki_make
server_conf tcp auth "tun-mtu 1400"
client_conf 1 tcp auth "tun-mtu 1400" "connect-retry 1 1"
srcs=()
for i in $(seq 100 $((100 + NSRC - 1))); do
	in_c 2 ip addr add "198.18.66.$i/24" dev "sv$$c2"
	srcs+=("198.18.66.$i" 198.18.66.100)
done
start_server
# "ip netns exec" may stay the parent of the server
pid=$(pgrep -P "$SRV_PID" | head -n1 || true)
SPID=${pid:-$SRV_PID}
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SPID/status"; }
fds() { find "/proc/$SPID/fd" -mindepth 1 -maxdepth 1 | wc -l; }
rss0=$(rss)
fd0=$(fds)
ms() { date +%s%3N; }

# The flood: 45 s at most (it stops by itself), reconnects <= 500/s.
ip netns exec "sv-$$-c2" timeout 60 python3 "$LIB_DIR/tcp_flood.py" "$UL4_S" 1194 "$IDLE" "$SLOW" 45 \
	"$(IFS=,; echo "${srcs[*]}")" 500 60000 >"$T/flood.log" 2>&1 &
FLOOD_PID=$!
BG_PIDS+=("$FLOOD_PID")
wait_for 20 grep -q '^up' "$T/flood.log" || fail "the flood did not get going"
# Let the first slow ones pass the first-packet time-out, then sample.
sleep 3
rss1=$(rss)
fd1=$(fds)
log "flood up: server RSS ${rss0} -> ${rss1} kB, fds ${fd0} -> ${fd1}"

t0=$(ms)
start_client 1 openvpn
up=
while [ $(($(ms) - t0)) -lt 10000 ]; do
	if in_c 1 ping -c1 -W1 "$TUN4_S" >/dev/null 2>&1; then
		up=$(($(ms) - t0))
		break
	fi
	sleep 0.05
done
[ -n "$up" ] || fail "the openvpn client did not get through within 10 s"
log "openvpn client pinged through the tunnel after ${up} ms"

# Bounded while the flood goes on: sample for 8 s (past the 5 s
# first-packet time-out of the slow ones), the client still pinging.
maxrss=0
maxfd=0
for _ in $(seq 16); do
	r=$(rss)
	f=$(fds)
	[ "$r" -gt "$maxrss" ] && maxrss=$r
	[ "$f" -gt "$maxfd" ] && maxfd=$f
	sleep 0.5
done
in_c 1 ping -c3 -i 0.2 -W1 "$TUN4_S" >/dev/null || fail "the client lost its tunnel during the flood"
log "during the flood: server RSS max ${maxrss} kB (${rss0} at start), fds max ${maxfd} (${fd0} at start)"
kill "$FLOOD_PID" 2>/dev/null || true
wait "$FLOOD_PID" 2>/dev/null || true
log "flooder: $(tail -n1 "$T/flood.log")"
[ "$up" -le "$LIMIT_MS" ] || fail "the client needed ${up} ms, want <= ${LIMIT_MS}"
[ "$maxfd" -le $((fd0 + 1024 + 100)) ] || fail "server holds ${maxfd} descriptors"
[ $((maxrss - rss0)) -le 16384 ] || fail "server RSS grew by $((maxrss - rss0)) kB"
# connects seen by the server: the flood really reached it
c=$(tail -n1 "$T/flood.log" | awk '{ print $2 }')
[ "${c:-0}" -ge $((IDLE + SLOW)) ] || fail "the flooder made only ${c:-0} connections"
if [ "$(basename "$DCOVPN")" = dcovpn ]; then
	grep -q "connections without a first packet closed" "$T/server.log" ||
		fail "no eviction report in the server log"
	n=$(grep -c "connections without a first packet closed" "$T/server.log")
	[ "$n" -le 10 ] || fail "eviction reports not rate-limited: $n lines"
fi
echo "PASS: $CASE"
