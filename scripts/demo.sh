#!/bin/bash
# dcovpn demo: two network namespaces joined by a veth pair, dcovpn-cli on
# each side (UDP, AES-256-GCM, a fresh random data64.key), then pings both
# ways over IPv4 and IPv6 inside the tunnel, iperf3 for 5 s each way, the
# engine's statistics, and a clean teardown (also on Ctrl-C).
#
#   host a  198.18.0.1 ==veth== 198.18.0.2  host b        (the "internet")
#   dco0    198.19.0.1 ~~tunnel~~ 198.19.0.2 dco0         (the VPN)
#           fd00:19::1            fd00:19::2
# Needs root. Env: BUILD (default build), DEMO_SECONDS (iperf3 time, 5).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD=$ROOT/$BUILD
CLI=$BUILD/dcovpn-cli
SECS=${DEMO_SECONDS:-5}
NS_A=dcovpn-demo-$$-a
NS_B=dcovpn-demo-$$-b
VETH_A=vdemo$$a
VETH_B=vdemo$$b
TMP=$(mktemp -d /tmp/dcovpn-demo.XXXXXX)
PIDS=()
FG_PID=
RESULTS=()

say() { printf '\n== %s\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }
# Run in a namespace (foreground only: a backgrounded function would be a
# subshell whose PID is not the program's). Background programs run under
# setsid, in their own session: Ctrl-C reaches the script, whose cleanup
# stops them in order, not them directly.
a() { ip netns exec "$NS_A" "$@"; }
b() { ip netns exec "$NS_B" "$@"; }

cleanup() {
	local rc=$? pid
	trap - EXIT INT TERM
	set +e
	[ -n "$FG_PID" ] && kill -TERM "$FG_PID" 2>/dev/null
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ]; then
		echo "demo failed; dcovpn-cli logs:" >&3
		tail -n 30 "$TMP"/a.log "$TMP"/b.log >&3 2>/dev/null
	fi
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	rm -rf "$TMP"
	echo "== torn down: namespaces, veth, tunnels and processes removed" >&3
	exit "$rc"
}

# poll CMD every 0.2 s for at most $1 seconds
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

setup_hosts() {
	say "two hosts: namespaces $NS_A and $NS_B, veth 198.18.0.1 <-> 198.18.0.2"
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B"
	a ip link set lo up
	b ip link set lo up
	a ip addr add 198.18.0.1/24 dev "$VETH_A"
	b ip addr add 198.18.0.2/24 dev "$VETH_B"
	a ip link set "$VETH_A" up
	b ip link set "$VETH_B" up
	wait_for 10 a ping -c1 -W1 198.18.0.2 || die "veth does not work"
}

start_tunnel() {
	head -c 256 /dev/urandom | base64 -w 76 >"$TMP/data64.key"
	say "dcovpn-cli on both hosts (UDP, AES-256-GCM, fresh key $TMP/data64.key)"
	echo "a: dcovpn-cli --ipv6 fd00:19::1/64 udp i4 198.18.0.1 1194 198.18.0.2 1194 198.19.0.1 255.255.255.0 198.19.0.2 data64.key 0"
	setsid ip netns exec "$NS_A" "$CLI" --ipv6 fd00:19::1/64 udp i4 198.18.0.1 1194 198.18.0.2 1194 \
		198.19.0.1 255.255.255.0 198.19.0.2 "$TMP/data64.key" 0 >"$TMP/a.log" 2>&1 &
	PIDS+=($!)
	PID_A=$!
	echo "b: dcovpn-cli --ipv6 fd00:19::2/64 udp i4 198.18.0.2 1194 198.18.0.1 1194 198.19.0.2 255.255.255.0 198.19.0.1 data64.key 1"
	setsid ip netns exec "$NS_B" "$CLI" --ipv6 fd00:19::2/64 udp i4 198.18.0.2 1194 198.18.0.1 1194 \
		198.19.0.2 255.255.255.0 198.19.0.1 "$TMP/data64.key" 1 >"$TMP/b.log" 2>&1 &
	PIDS+=($!)
	PID_B=$!
	wait_for 20 a ping -c1 -W1 198.19.0.2 || die "the tunnel does not carry pings"
	grep -h ' up: ' "$TMP/a.log" "$TMP/b.log" | sed 's/^/  /'
}

# in_bg NS CMD...: run CMD in namespace NS in the background and wait for it.
# Bash runs a Ctrl-C trap only once a foreground command ends (and not at
# all if that command handled the SIGINT itself), but interrupts `wait` at
# once; a background command also ignores SIGINT, so cleanup stops it.
in_bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" &
	FG_PID=$!
	wait "$FG_PID"
}

# ping_dir FROM-NS LABEL DEST [-6]
ping_dir() {
	local out rtt
	in_bg "$1" timeout 30 ping ${4:-} -c 10 -i 0.2 -W 2 "$3" >"$TMP/ping.out" ||
		{ cat "$TMP/ping.out"; die "ping $2 failed"; }
	out=$(cat "$TMP/ping.out")
	rtt=$(echo "$out" | sed -n 's/^rtt min\/avg\/max\/mdev = \([^ ]*\) ms/\1/p')
	echo "$out" | grep -E 'packets transmitted' | sed "s/^/  $2: /"
	RESULTS+=("$(printf 'ping   %-22s rtt min/avg/max/mdev %s ms' "$2" "$rtt")")
}

pings() {
	say "ping through the tunnel, both ways, IPv4 and IPv6"
	wait_for 10 a ping -6 -c1 -W1 fd00:19::2 || die "no IPv6 through the tunnel"
	ping_dir "$NS_A" "a -> b IPv4" 198.19.0.2
	ping_dir "$NS_B" "b -> a IPv4" 198.19.0.1
	ping_dir "$NS_A" "a -> b IPv6" fd00:19::2 -6
	ping_dir "$NS_B" "b -> a IPv6" fd00:19::1 -6
}

# iperf_dir LABEL [-R]: client on a, server on b; -R: b sends.
iperf_dir() {
	local mbps
	in_bg "$NS_A" timeout $((SECS + 20)) iperf3 -c 198.19.0.2 -t "$SECS" -J ${2:-} >"$TMP/iperf.json" ||
		die "iperf3 $1 failed: $(head -c 300 "$TMP/iperf.json")"
	mbps=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["end"]; print("%.0f" % (e["sum_received"]["bits_per_second"]/1e6))' "$TMP/iperf.json" 2>/dev/null) ||
		die "iperf3 $1 gave no result: $(head -c 300 "$TMP/iperf.json")"
	echo "  $1: $mbps Mbit/s"
	RESULTS+=("$(printf 'iperf3 %-22s %s Mbit/s (TCP, %s s)' "$1" "$mbps" "$SECS")")
}

throughput() {
	say "iperf3 through the tunnel, $SECS s each way"
	setsid ip netns exec "$NS_B" iperf3 -s -B 198.19.0.2 >"$TMP/iperf-server.log" 2>&1 &
	PIDS+=($!)
	wait_for 10 b bash -c "ss -ltn | grep -q '198.19.0.2:5201'" || die "iperf3 server did not start"
	iperf_dir "a -> b"
	iperf_dir "b -> a" -R
}

show_stats() {
	local pid f n
	say "engine statistics (SIGUSR2), peer 0 on each host"
	for f in a b; do
		pid=$PID_A
		[ "$f" = b ] && pid=$PID_B
		n=$(grep -c '^stats total control_tx' "$TMP/$f.log" || true)
		kill -USR2 "$pid"
		wait_for 5 bash -c "[ \$(grep -c '^stats total control_tx' $TMP/$f.log) -gt $n ]" ||
			die "no statistics from $f"
		echo "  host $f:"
		grep '^stats peer0 ' "$TMP/$f.log" | tail -n 19 |
			awk '{printf "    %-16s %14s%s", $3, $4, (NR % 2 ? "    " : "\n")} END {print ""}'

	done
}

main() {
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, tun): sudo make demo"
	[ -x "$CLI" ] || die "$CLI not built: make"
	# The traps may run inside a redirected command: fd 3 is the terminal.
	exec 3>&1
	trap cleanup EXIT
	trap 'printf "\ninterrupted\n" >&3; exit 130' INT TERM
	setup_hosts
	start_tunnel
	pings
	throughput
	show_stats
	say "results"
	printf '  %s\n' "${RESULTS[@]}"
}

main "$@"
