#!/bin/bash
# Programs from Debian unstable beside the system's own, without touching the
# system's packages: the .deb files are downloaded through a PRIVATE apt list
# and state, unpacked with dpkg-deb -x into one directory, and the program is
# started through that directory's own dynamic loader and libraries.
#
#   scripts/debian-sid.sh DIR PROGRAM VERSION_RE PACKAGE...
#
# DIR        where to keep it (a cache; fetched once, idempotent)
# PROGRAM    the program's path inside the packages, e.g. usr/sbin/openvpn
# VERSION_RE an extended regex the first line of `PROGRAM --version` must match
# Writes DIR/<basename of PROGRAM> (a wrapper) and prints its path on stdout,
# the version line on stderr. Env: SID_MIRROR (default: the Debian mirror of
# this machine's apt sources), SID_TIMEOUT (seconds for the download, 100).
# Exit 0 with the wrapper ready; 2 when the archive cannot be reached (the
# caller decides whether that is a skip); 1 on any other failure.
# Callers: scripts/openvpn27.sh, scripts/wireguard-go25.sh.
set -euo pipefail

[ $# -ge 4 ] || { echo "usage: $0 DIR PROGRAM VERSION_RE PACKAGE..." >&2; exit 1; }
DIR=$1 PROG=$2 VRE=$3
shift 3
PKGS=$*
LIMIT=${SID_TIMEOUT:-100}
NAME=$(basename "$PROG")
WRAP=$DIR/$NAME

say() { echo "debian-sid ($NAME): $*" >&2; }

# The Debian mirror host this machine already uses, with suite unstable.
mirror() {
	[ -n "${SID_MIRROR:-}" ] && { echo "$SID_MIRROR"; return; }
	local m
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ')
	echo "${m:-http://deb.debian.org/debian}"
}

version() { "$WRAP" --version 2>&1 | head -n1; }
ready() { [ -x "$WRAP" ] && version | grep -qE "$VRE"; }

fetch() {
	local work=$DIR/apt
	rm -rf "$work" "$DIR/root"
	mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/cache" "$DIR/root"
	: >"$work/status"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) sid main" \
		>"$work/sources.list"
	local -a apt=(-q -o "Dir::Etc::SourceList=$work/sources.list"
		-o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/lists"
		-o "Dir::State::status=$work/status" -o "Dir::Cache=$work/cache"
		-o "Dir::Cache::Archives=$work/archives" -o APT::Get::List-Cleanup=0
		-o Acquire::http::Timeout=20 -o Acquire::https::Timeout=20
		-o Acquire::Retries=1 -o APT::Sandbox::User=root)
	local end=$((SECONDS + LIMIT))
	if ! timeout "$LIMIT" apt-get "${apt[@]}" update >"$work/update.log" 2>&1 ||
		grep -qE '^(W|E): .*(Failed to fetch|Could not|Temporary failure|timed out)' "$work/update.log"; then
		cat "$work/update.log" >&2
		say "cannot reach Debian's archive ($(mirror) sid)"
		return 2
	fi
	local left=$((end - SECONDS))
	[ "$left" -gt 5 ] || { say "download took longer than ${LIMIT}s"; return 2; }
	# shellcheck disable=SC2086
	(cd "$work/archives" && timeout "$left" apt-get "${apt[@]}" download $PKGS) \
		>"$work/download.log" 2>&1 || {
		cat "$work/download.log" >&2
		say "downloading the .deb files failed"
		return 2
	}
	local deb
	for deb in "$work"/archives/*.deb; do
		dpkg-deb -x "$deb" "$DIR/root"
	done
	local r=$DIR/root ld
	ld=$r/usr/lib64/ld-linux-x86-64.so.2
	[ -e "$ld" ] || ld=$r/lib64/ld-linux-x86-64.so.2
	[ -e "$ld" ] || { say "no loader in the unpacked libc6"; return 1; }
	[ -x "$r/$PROG" ] || { say "no $PROG in the unpacked packages"; return 1; }
	cat >"$WRAP.tmp" <<-X
	#!/bin/sh
	# $NAME from Debian unstable, unpacked by scripts/debian-sid.sh,
	# run through its own loader and libraries (the system's stay untouched).
	exec "$ld" --library-path "$r/lib/x86_64-linux-gnu:$r/usr/lib/x86_64-linux-gnu" "$r/$PROG" "\$@"
	X
	chmod 755 "$WRAP.tmp"
	mv "$WRAP.tmp" "$WRAP"
	rm -rf "$work/lists" "$work/cache"
}

if ! ready; then
	mkdir -p "$DIR"
	exec 9>"$DIR/.lock"
	flock -w "$((LIMIT + 30))" 9 || { say "another fetch holds $DIR/.lock"; exit 1; }
	# an archive found unreachable in the last 10 minutes is not tried again
	# by every test of one run (each attempt may take up to LIMIT seconds)
	if ! ready && [ -n "$(find "$DIR/.unreachable" -mmin -10 2>/dev/null)" ]; then
		say "Debian's archive was unreachable less than 10 minutes ago ($DIR/.unreachable)"
		exit 2
	fi
	if ! ready; then
		rc=0
		fetch || rc=$?
		[ "$rc" -ne 2 ] || touch "$DIR/.unreachable"
		[ "$rc" -eq 0 ] || exit "$rc"
		rm -f "$DIR/.unreachable"
		ready || { version >&2 || true; say "the unpacked $NAME's version does not match /$VRE/"; exit 1; }
	fi
fi
version >&2
echo "$WRAP"
