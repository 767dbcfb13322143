# iperf3 through the tunnels of server_lib.bash's clients (sourced after
# it): one iperf3 server per client in the server namespace, port 5200+I,
# and a run of several clients at once.

# iperf_servers N: iperf3 servers for clients 1..N, on the server's
# tunnel address; waits for every client to ping through and every
# server to listen.
iperf_servers() {
	local i
	for i in $(seq 1 "$1"); do
		# exec'd, not through a shell function: $! is then the process
		# the cleanup signals (timeout passes the signal on), and it ends
		# by itself within 5 minutes whatever happens
		ip netns exec "$NS_S" timeout 300 iperf3 -s -B "$TUN4_S" \
			-p $((5200 + i)) >/dev/null 2>&1 &
		BG_PIDS+=($!)
	done
	for i in $(seq 1 "$1"); do
		wait_for 10 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "client $i: no ping through"
		# iperf3's client does not retry a refused connection
		wait_for 10 sh -c "ip netns exec '$NS_S' ss -Hltn 'sport = :$((5200 + i))' | grep -q ." ||
			fail "iperf3 server $i not listening"
	done
}

# iperf_run DIR I...: clients I each run a SECS-second TCP stream at once
# (DIR down: the server sends); prints the sum of what the receivers got,
# in Mbit/s.
iperf_run() {
	local dir=$1 pids=() i rc=0 rev=
	shift
	[ "$dir" = down ] && rev=-R
	for i in "$@"; do
		timeout $((SECS + 20)) ip netns exec "sv-$$-c$i" iperf3 -c "$TUN4_S" \
			-p $((5200 + i)) -t "$SECS" $rev -f m >"$T/ip$dir$i.out" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	[ "$rc" -eq 0 ] || { cat "$T"/ip"$dir"*.out; fail "an iperf3 $dir run failed"; }
	for i in "$@"; do
		awk '/receiver/ { for (f = 1; f < NF; f++) if ($(f + 1) == "Mbits/sec") print $f }' \
			"$T/ip$dir$i.out"
	done | awk '{ s += $1 } END { printf "%.0f", s }'
}
