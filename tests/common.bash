# Helpers shared by the network tests' libraries (tests/netns/lib.sh,
# tests/interop/lib.sh, tests/interop/server_lib.bash), sourced by them.
# Each library keeps its own fail(), namespaces and teardown.

log() { echo "# $*"; }

# wait_for SECONDS CMD... : poll CMD every 0.1 s until it succeeds; 1 on
# timeout.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# stop_pid PID: stop a background process of ours (TERM, up to 3 s, then
# KILL) and reap it; nothing when PID is empty or already gone.
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 30); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# seccomp_deaths DIR: status 1, with the lines, when a log under DIR says
# a dcovpn process ended on its seccomp filter (base/sandbox.c prints
# "seccomp: system call N not allowed here"). Such a death can come after
# every check of a test passed (a server killed as its clients leave), so
# each test's teardown looks, once its processes have stopped.
seccomp_deaths() {
	local hits
	hits=$(grep -rhsE "seccomp: system call [0-9]+ not allowed" "$1" | head -n 5)
	[ -z "$hits" ] && return 0
	echo "FAIL: a process ended on its seccomp filter:"
	echo "$hits"
	return 1
}
