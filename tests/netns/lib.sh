# Shared helpers for the network tests (sourced, not run).
#
# Each test gets two namespaces joined by a veth pair:
#   side a: 198.18.0.1/24 fd00:18::1/64   tunnel 198.19.0.1/24 (fd00:19::1/64)
#   side b: 198.18.0.2/24 fd00:18::2/64   tunnel 198.19.0.2/24 (fd00:19::2/64)
# runs dcovpn-cli on each side in the background (logs in $T/a.log, $T/b.log),
# and removes everything on exit; when a test fails both logs are printed.
# Names carry "cli" and the PID, so parallel runs do not collide.
set -Eeuo pipefail

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$LIB_DIR/../.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD=$ROOT/$BUILD
CLI=${CLI:-$BUILD/dcovpn-cli}
PY=${PYTHON:-python3}

NS_A=cli-$$-a
NS_B=cli-$$-b
VETH_A=vcli$$a
VETH_B=vcli$$b
declare -A UL4=([a]=198.18.0.1 [b]=198.18.0.2)
declare -A UL6=([a]=fd00:18::1 [b]=fd00:18::2)
declare -A TUN4=([a]=198.19.0.1 [b]=198.19.0.2)
declare -A TUN6=([a]=fd00:19::1 [b]=fd00:19::2)
declare -A OTHER=([a]=b [b]=a)
declare -A CLI_PID=()
declare -A CLI_LOG0=() # log lines before the current run of a side
BG_PIDS=()
PORT=1194
T=$(mktemp -d /tmp/dcovpn-netns.XXXXXX)
NS_MADE=0

. "$(dirname "${BASH_SOURCE[0]}")/../common.bash"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ns_of() { [ "$1" = a ] && echo "$NS_A" || echo "$NS_B"; }
in_ns() { local side=$1; shift; ip netns exec "$(ns_of "$side")" "$@"; }

dump_logs() {
	local f
	for f in "$T"/*.log; do
		[ -f "$f" ] || continue
		echo "---- $(basename "$f") ----"
		tail -n 200 "$f"
	done
}

teardown() {
	local rc=$? side pid
	trap - EXIT INT TERM ERR
	set +e
	if [ "$rc" -ne 0 ]; then
		echo "test failed (status $rc); logs:" >&2
		dump_logs >&2
	fi
	for side in "${!CLI_PID[@]}"; do
		stop_pid "${CLI_PID[$side]}"
	done
	for pid in "${BG_PIDS[@]}"; do
		stop_pid "$pid"
	done
	wait 2>/dev/null
	if [ "$rc" -eq 0 ] && ! seccomp_deaths "$T"; then
		rc=1
		dump_logs
	fi >&2
	if [ "$NS_MADE" = 1 ]; then
		ip netns del "$NS_A" 2>/dev/null
		ip netns del "$NS_B" 2>/dev/null
	fi
	rm -rf "$T"
	exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

# The two hosts and the wire between them.
ns_setup() {
	[ -x "$CLI" ] || fail "$CLI not built (make BUILD=... all)"
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	NS_MADE=1
	ip link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B"
	local side dev
	for side in a b; do
		dev=$VETH_A
		[ "$side" = b ] && dev=$VETH_B
		in_ns "$side" ip link set lo up
		in_ns "$side" ip addr add "${UL4[$side]}/24" dev "$dev"
		in_ns "$side" ip addr add "${UL6[$side]}/64" dev "$dev" nodad
		in_ns "$side" ip link set "$dev" up
	done
	wait_for 10 in_ns a ping -c1 -W1 "${UL4[b]}" || fail "veth IPv4 does not work"
	wait_for 10 in_ns a ping -6 -c1 -W1 "${UL6[b]}" || fail "veth IPv6 does not work"
}

# A fresh data64.key: 256 random bytes in base64, 76-character lines.
key_gen() { head -c 256 /dev/urandom | base64 -w 76 >"$1"; }

# cli_start SIDE ARGS... : dcovpn-cli in SIDE's namespace, logging to $T/SIDE.log.
cli_start() {
	local side=$1
	shift
	CLI_LOG0[$side]=0
	[ -f "$T/$side.log" ] && CLI_LOG0[$side]=$(wc -l <"$T/$side.log")
	echo "+ dcovpn-cli $*" >>"$T/$side.log"
	ip netns exec "$(ns_of "$side")" "$CLI" "$@" >>"$T/$side.log" 2>&1 &
	CLI_PID[$side]=$!
}

# cli_up SIDE udp|tcp i4|i6 KEYFILE|- DIRECTION [OPTIONS...]: the standard
# positionals for SIDE, options before them.
cli_up() {
	local side=$1 proto=$2 fam=$3 key=$4 dir=$5 other
	shift 5
	other=${OTHER[$side]}
	local lip=${UL4[$side]} rip=${UL4[$other]}
	if [ "$fam" = i6 ]; then
		lip=${UL6[$side]}
		rip=${UL6[$other]}
	fi
	local keyargs=()
	[ "$key" != - ] && keyargs=("$key" "$dir")
	cli_start "$side" "$@" "$proto" "$fam" "$lip" "$PORT" "$rip" "$PORT" \
		"${TUN4[$side]}" 255.255.255.0 "${TUN4[$other]}" "${keyargs[@]}"
}

# cli_pair udp|tcp i4|i6 [OPTIONS...]: both sides with one fresh key (a
# listens on TCP), then wait until the tunnel carries a ping.
cli_pair() {
	local proto=$1 fam=$2 listen=()
	shift 2
	[ -f "$T/key" ] || key_gen "$T/key"
	[ "$proto" = tcp ] && listen=(--listen)
	cli_up a "$proto" "$fam" "$T/key" 0 "${listen[@]}" "$@"
	cli_up b "$proto" "$fam" "$T/key" 1 "$@"
	tunnel_wait
}

cli_alive() { kill -0 "${CLI_PID[$1]}" 2>/dev/null; }

# log_has SIDE TEXT: the log of SIDE's current run contains TEXT.
log_has() { tail -n "+$((${CLI_LOG0[$1]:-0} + 1))" "$T/$1.log" | grep -F -- "$2" >/dev/null; }

# cli_wait_up SIDE...: each side logged that its tunnel is up (set up, not
# necessarily able to talk to the other side).
cli_wait_up() {
	local side
	for side in "$@"; do
		wait_for 15 log_has "$side" ' up: ' ||
			fail "$side did not come up within 15 s"
	done
}

# Until a ping from a reaches b through the tunnel (20 s at most); a side
# that exits meanwhile fails the test at once.
tunnel_wait() {
	local deadline=$((SECONDS + 20)) side
	until in_ns a ping -c1 -W1 "${TUN4[b]}" >/dev/null 2>&1; do
		for side in "${!CLI_PID[@]}"; do
			cli_alive "$side" || fail "dcovpn-cli on $side exited before the tunnel came up"
		done
		[ "$SECONDS" -lt "$deadline" ] ||
			fail "tunnel does not carry a ping from a to b within 20 s"
		sleep 0.1
	done
}

# ping_both [COUNT] [-6]: COUNT pings each way inside the tunnel.
ping_both() {
	local count=${1:-3} six=${2:-} side dst
	for side in a b; do
		dst=${TUN4[${OTHER[$side]}]}
		[ "$six" = -6 ] && dst=${TUN6[${OTHER[$side]}]}
		in_ns "$side" ping $six -c "$count" -i 0.2 -W 2 "$dst" >"$T/ping-$side.out" ||
			{ cat "$T/ping-$side.out"; fail "ping $side -> $dst failed"; }
		log "ping $side -> $dst: $(grep -o 'rtt.*' "$T/ping-$side.out")"
	done
}

# cli_stats SIDE: make SIDE print its counters (SIGUSR2) and wait for them.
cli_stats() {
	local side=$1 f=$T/$1.log before
	before=$(grep -c '^stats total control_tx ' "$f" || true)
	kill -USR2 "${CLI_PID[$side]}"
	wait_for 5 stats_newer "$f" "$before" || fail "$side printed no statistics after SIGUSR2"
}
stats_newer() { [ "$(grep -c '^stats total control_tx ' "$1" || true)" -gt "$2" ]; }

# stat_get SIDE SCOPE NAME: the latest printed value (SCOPE peer0 or total).
stat_get() {
	local v
	v=$(grep "^stats $2 $3 " "$T/$1.log" | tail -n1 | cut -d' ' -f4 || true)
	[ -n "$v" ] || fail "no statistic '$2 $3' in $1's log"
	echo "$v"
}

# cli_stop SIDE: SIGTERM, wait (bounded); sets CLI_STATUS to the exit status.
cli_stop() {
	local side=$1 pid=${CLI_PID[$1]}
	kill -TERM "$pid" 2>/dev/null || true
	wait_for 10 bash -c "! kill -0 $pid" || fail "$side did not exit within 10 s of SIGTERM"
	CLI_STATUS=0
	wait "$pid" || CLI_STATUS=$?
	unset "CLI_PID[$side]"
}

# cli_wait_exit SIDE SECONDS: wait for SIDE to exit on its own; sets CLI_STATUS.
cli_wait_exit() {
	local side=$1 pid=${CLI_PID[$1]}
	wait_for "$2" bash -c "! kill -0 $pid" || return 1
	CLI_STATUS=0
	wait "$pid" || CLI_STATUS=$?
	unset "CLI_PID[$side]"
}

# xfer FROM TO MEGABYTES [PORT]: send random bytes over TCP through the
# tunnel from FROM to TO's tunnel address; the SHA-256 must match.
xfer() {
	local from=$1 to=$2 mb=$3 port=${4:-5001} sent got
	head -c "$((mb * 1024 * 1024))" /dev/urandom >"$T/blob"
	sent=$(sha256sum "$T/blob" | cut -d' ' -f1)
	in_ns "$to" timeout 120 $PY "$LIB_DIR/xfer.py" recv "${TUN4[$to]}" "$port" \
		>"$T/recv.out" 2>"$T/recv.log" &
	local rpid=$!
	BG_PIDS+=("$rpid")
	local start=$SECONDS
	in_ns "$from" timeout 120 $PY "$LIB_DIR/xfer.py" send "${TUN4[$to]}" "$port" "$T/blob" ||
		fail "sending $mb MB $from -> $to failed: $(cat "$T/recv.log")"
	wait "$rpid" || fail "receiver failed: $(cat "$T/recv.log")"
	got=$(cut -d' ' -f2 "$T/recv.out")
	[ "$got" = "$sent" ] ||
		fail "SHA-256 differs: sent $sent, received $(cat "$T/recv.out")"
	log "$mb MB $from -> $to in $((SECONDS - start)) s, SHA-256 $sent matches"
	rm -f "$T/blob"
}
