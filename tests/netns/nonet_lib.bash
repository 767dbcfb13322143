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
