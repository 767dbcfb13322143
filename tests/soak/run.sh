#!/usr/bin/env bash
# The soak (make soak; not part of make check): one UDP server, dcovpn by
# default (SOAK_SERVER=openvpn runs the same against openvpn 2.6 for the
# comparison figures), for SOAK_SECONDS (180) with at once:
#   c1 openvpn 2.6 and c2 dcovpn clients, renegotiating every SOAK_RENEG_SEC
#      (3) and 4 s, carrying SOAK_RATE (200) datagrams/s each way;
#   c3 connect/disconnect churn: openvpn and dcovpn in turn, each up,
#      one ping, gone (explicit-exit-notify), again until the time is over;
#   c4 a UDP garbage flood, SOAK_GARBAGE_RATE (1000) datagrams/s;
#   a manager that floods commands and never reads (mgmt_flood.py).
# Asserts for dcovpn: the server runs to the end (no crash, no sanitizer
# report); c1 and c2 never lost their connection (one initialization each,
# no restart, still pinging, each steady flow lost < 5%); every churn
# cycle came up; over the second half of the time RSS grows less than
# SOAK_RSS_MAX_KB (2048) and the descriptor count not at all (+2 slack).
# Prints one line of figures either way (RSS and fds at six times).
CASE=soak
. "$(dirname "$0")/../interop/server_lib.bash"
. "$LIB_DIR/udprate_lib.bash"
SECS=${SOAK_SECONDS:-180}
SERVER=${SOAK_SERVER:-dcovpn}
RS=${SOAK_RENEG_SEC:-3}
RATE=${SOAK_RATE:-200}
GRATE=${SOAK_GARBAGE_RATE:-1000}
RSS_MAX_KB=${SOAK_RSS_MAX_KB:-2048}
SOAK_DIR=$(cd "$(dirname "$0")" && pwd)
[ "$SECS" -ge 60 ] || fail "SOAK_SECONDS must be 60 or more"

# The churn client runs in a background shell: stop it too on the way out.
soak_cleanup() {
	touch "$T/stop"
	[ -f "$T/churn.pid" ] && stop_pid "$(cat "$T/churn.pid")"
	return 0
}
soak_exit() {
	local rc=$?
	soak_cleanup
	(exit "$rc")
	teardown
}
trap soak_exit EXIT

ns_setup 4
pki_make
echo pw >"$T/mgmt.pw"
server_conf udp none "reneg-sec $RS" "management 127.0.0.1 7505 $T/mgmt.pw"
client_conf 1 udp none "reneg-sec $RS" disable-dco
client_conf 2 udp none "reneg-sec $((RS + 1))"
client_conf 3 udp none "explicit-exit-notify 1" disable-dco
if [ "$SERVER" = openvpn ]; then
	echo disable-dco >>"$T/server.conf"
	# "$!" is openvpn itself (ip netns exec execs it): teardown stops it
	ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server.log" ||
		fail "openvpn server did not start"
else
	start_server
fi
start_client 1 openvpn
start_client 2 dcovpn
for i in 1 2; do wait_client "$i"; done
for i in 1 2; do wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i ping"; done
log "$SERVER server, c1 openvpn and c2 dcovpn up; soaking for $SECS s"

udprate_start "$SECS" "$RATE" 1:"$TUN4_S" 2:"$TUN4_S"

# the garbage flood and the manager that never reads
in_c 4 timeout $((SECS + 20)) python3 "$SOAK_DIR/garbage.py" "$UL4_S" 1194 "$GRATE" "$SECS" \
	>"$T/garbage.out" 2>&1 &
BG_PIDS+=($!)
in_s timeout $((SECS + 20)) python3 "$LIB_DIR/mgmt_flood.py" flood 127.0.0.1:7505 "$SECS" pw \
	"$T/stop" >"$T/mgmt.out" 2>&1 &
BG_PIDS+=($!)

# churn: one cycle is connect, one ping, disconnect; "ok"/"bad" per cycle
churn() {
	local end=$((SECONDS + SECS)) n=0 kind pid
	while [ "$SECONDS" -lt "$end" ] && [ ! -f "$T/stop" ]; do
		kind=$([ $((n % 2)) = 0 ] && echo openvpn || echo dcovpn)
		n=$((n + 1))
		rm -f "$T/c3-$kind.log"
		ip netns exec "sv-$$-c3" "$([ "$kind" = openvpn ] && echo "$OPENVPN" || echo "$DCOVPN")" \
			--config "$T/c3.conf" >"$T/c3-$kind.log" 2>&1 &
		pid=$!
		echo "$pid" >"$T/churn.pid"
		if wait_for 30 grep -q "Initialization Sequence Completed" "$T/c3-$kind.log" &&
			wait_for 10 in_c 3 ping -c1 -W1 "$TUN4_S"; then
			echo "ok $kind" >>"$T/churn.res"
		else
			echo "bad $kind" >>"$T/churn.res"
			cp "$T/c3-$kind.log" "$T/churn-bad-$n.log"
		fi
		stop_pid "$pid"
		rm -f "$T/churn.pid"
	done
}
churn &
CHURN_PID=$!
BG_PIDS+=("$CHURN_PID")

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SRV_PID/status"; }
fds() { find "/proc/$SRV_PID/fd" -mindepth 1 -maxdepth 1 | wc -l; }
# six samples, one every sixth of the time; compared: the middle one
# (what only fills up with use, the pools' and queues' high-water marks,
# has settled by then) and the last
step=$((SECS / 6))
rss_s=()
fds_s=()
for k in 1 2 3 4 5 6; do
	sleep "$step"
	kill -0 "$SRV_PID" 2>/dev/null || fail "the $SERVER server died after $((k * step)) s"
	rss_s+=("$(rss)")
	fds_s+=("$(fds)")
done
r0=${rss_s[2]}
r1=${rss_s[5]}
f0=${fds_s[2]}
f1=${fds_s[5]}
touch "$T/stop"
wait "$CHURN_PID" || true
udprate_results 1 2
if [ "$SERVER" = openvpn ]; then
	renegs=$(($(grep -c "Control Channel: TLSv" "$T/server.log" || true)))
else
	renegs=$(grep -c "soft reset of key-id .* completed" "$T/server.log" || true)
fi
ok=$(grep -c "^ok" "$T/churn.res" 2>/dev/null || true)
badc=$(grep -c "^bad" "$T/churn.res" 2>/dev/null || true)
l1=$(($(udprate_loss 1) / 1000))
l2=$(($(udprate_loss 2) / 1000))
log "figures ($SERVER server, $SECS s): $renegs renegotiations/handshakes; churn $ok ok, $badc failed;" \
	"garbage $(cat "$T/garbage.out"); manager $(cat "$T/mgmt.out");" \
	"RSS kB every $step s: ${rss_s[*]}; fds: ${fds_s[*]}; loss c1 ${l1}‰ c2 ${l2}‰"

bad=()
for i in 1 2; do
	n=$(grep -c "Initialization Sequence Completed" "${CLI_LOG[$i]}" || true)
	[ "$n" -eq 1 ] || bad+=("c$i initialized $n times")
	! grep -qE "process restarting|Restart pause|SIGUSR1\[" "${CLI_LOG[$i]}" ||
		bad+=("c$i restarted")
	in_c "$i" ping -c2 -i0.3 -W2 "$TUN4_S" >/dev/null || bad+=("c$i no longer pings the server")
done
[ "$l1" -lt 50 ] || bad+=("c1 lost ${l1}‰")
[ "$l2" -lt 50 ] || bad+=("c2 lost ${l2}‰")
[ "$badc" -eq 0 ] || bad+=("$badc churn cycles failed")
[ "$ok" -ge $((SECS / 30)) ] || bad+=("only $ok churn cycles")
if [ "$SERVER" = dcovpn ]; then
	! grep -qE "AddressSanitizer|runtime error|LeakSanitizer|Assertion" "$T/server.log" ||
		bad+=("a sanitizer or assertion report in the server log")
	[ $((r1 - r0)) -lt "$RSS_MAX_KB" ] || bad+=("server RSS grew by $((r1 - r0)) kB in the second half")
	[ "$f1" -le $((f0 + 2)) ] || bad+=("server descriptors $f0 -> $f1")
	[ "$renegs" -ge $((SECS / RS)) ] || bad+=("only $renegs renegotiations")
fi
[ ${#bad[@]} -eq 0 ] || { printf '# %s\n' "${bad[@]}"; fail "${#bad[@]} check(s) failed"; }
echo "PASS: $CASE ($SERVER)"
