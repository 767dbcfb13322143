# Sourced by the network tests' libraries (tests/netns/lib.sh,
# tests/interop/lib.sh, tests/interop/server_lib.bash).
#
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
