# Steady numbered UDP both ways through the tunnels of server_lib.bash's
# clients (udprate.py), to count what a test's events cost. Sourced after
# server_lib.bash. Per client I: $T/upI.{tx,rx} (client -> server, port
# 7000+I), $T/downI.{tx,rx} (server -> client, port 7100+I), and the runs
# that went missing in $T/gaps-{up,down}I.log.
UDPRATE=$LIB_DIR/udprate.py

# udprate_start SECS RATE I:SERVER_TUNNEL_ADDRESS...: receivers first,
# then RATE datagrams a second each way for SECS seconds. The senders'
# pids in UDPRATE_SENDERS (and BG_PIDS); everything bounded by timeout.
udprate_start() {
	local secs=$1 rate=$2 pair i a
	shift 2
	for pair in "$@"; do
		i=${pair%%:*} a=${pair#*:}
		in_s timeout $((secs + 40)) python3 "$UDPRATE" recv "$a" $((7000 + i)) "$secs" \
			>"$T/up$i.rx" 2>"$T/gaps-up$i.log" &
		BG_PIDS+=($!)
		in_c "$i" timeout $((secs + 40)) python3 "$UDPRATE" recv "$(client_tun4 "$i")" \
			$((7100 + i)) "$secs" >"$T/down$i.rx" 2>"$T/gaps-down$i.log" &
		BG_PIDS+=($!)
	done
	sleep 0.5
	UDPRATE_SENDERS=()
	for pair in "$@"; do
		i=${pair%%:*} a=${pair#*:}
		in_c "$i" timeout $((secs + 20)) python3 "$UDPRATE" send "$a" $((7000 + i)) \
			"$rate" "$secs" >"$T/up$i.tx" 2>&1 &
		UDPRATE_SENDERS+=($!)
		in_s timeout $((secs + 20)) python3 "$UDPRATE" send "$(client_tun4 "$i")" $((7100 + i)) \
			"$rate" "$secs" >"$T/down$i.tx" 2>&1 &
		UDPRATE_SENDERS+=($!)
	done
	BG_PIDS+=("${UDPRATE_SENDERS[@]}")
}

# udprate_results I...: wait (40 s at most) for every receiver's count;
# they end after 3 s of silence.
udprate_results() {
	local i d
	for i in "$@"; do
		for d in up down; do
			wait_for 40 grep -q received "$T/$d$i.rx" || fail "no UDP count from $d$i"
		done
	done
}

# udprate_loss I: datagrams lost both ways, per million sent.
udprate_loss() {
	local s r
	s=$(cat "$T/up$1.tx" "$T/down$1.tx" | awk '{ s += $2 } END { print s }')
	r=$(cat "$T/up$1.rx" "$T/down$1.rx" | awk '{ s += $2 } END { print s }')
	echo $(((s - r) * 1000000 / s))
}

# udprate_summary I: "up received N gaps G maxgap M, down ..., sent N"
udprate_summary() {
	echo "up $(cat "$T/up$1.rx"), down $(cat "$T/down$1.rx"), sent" \
		"$(cat "$T/up$1.tx" "$T/down$1.tx" | awk '{ s += $2 } END { print s }')"
}
