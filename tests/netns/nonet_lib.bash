# Shared start of the tests that need no network (options_doc, show_lists):
# sourced; the tree's root as working directory, DCOVPN, OPENVPN, a
# temporary directory $T removed on exit, fail and log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BUILD=${BUILD:-build}
DCOVPN=$PWD/$BUILD/dcovpn
[[ $BUILD == /* ]] && DCOVPN=$BUILD/dcovpn
OPENVPN=${OPENVPN:-/usr/sbin/openvpn}
T=$(mktemp -d /tmp/dcovpn-nonet.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
log() { echo "# $*"; }
# wait_log SECONDS PATTERN FILE: until FILE has a line matching PATTERN
# (grep -E), polled every 0.1 s; prints FILE and returns 1 on timeout.
wait_log() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		grep -qE "$2" "$3" 2>/dev/null && return 0
		sleep 0.1
	done
	cat "$3"
	return 1
}
