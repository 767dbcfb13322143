#!/bin/bash
# A real OpenVPN 2.7 for the interop tests, beside the system's 2.6 and
# without touching the system's packages: Debian unstable's `openvpn` and the
# libraries it needs (newer than Debian 12's) are downloaded as .deb files
# through a PRIVATE apt list and state, unpacked with dpkg-deb -x into one
# directory, and started through that directory's own dynamic loader.
#
#   scripts/openvpn27.sh          fetch once (idempotent), print the wrapper path
#                                 on stdout and `openvpn --version` on stderr
# Env: OPENVPN27_DIR (default /var/cache/dcovpn-test/openvpn27),
#      OPENVPN27_MIRROR (default: the Debian mirror of this machine's apt sources),
#      OPENVPN27_TIMEOUT (seconds for the whole download, default 100).
# Exit 0 with the wrapper ready; 2 when the archive cannot be reached (the
# caller decides whether that is a skip); 1 on any other failure.
set -euo pipefail

DIR=${OPENVPN27_DIR:-/var/cache/dcovpn-test/openvpn27}
LIMIT=${OPENVPN27_TIMEOUT:-100}
WRAP=$DIR/openvpn
# openvpn's Depends in unstable, and theirs, that Debian 12 lacks or has too old.
PKGS="openvpn libc6 libgcc-s1 libssl3t64 libzstd1 zlib1g libpkcs11-helper1t64
libnl-3-200 libnl-genl-3-200 libcap-ng0 liblz4-1 libxxhash0 liblzo2-2
libpam0g libsystemd0"

say() { echo "openvpn27: $*" >&2; }

# The Debian mirror host this machine already uses, with suite unstable.
mirror() {
	[ -n "${OPENVPN27_MIRROR:-}" ] && { echo "$OPENVPN27_MIRROR"; return; }
	local m
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ')
	echo "${m:-http://deb.debian.org/debian}"
}

ready() { [ -x "$WRAP" ] && "$WRAP" --version 2>/dev/null | grep -q '^OpenVPN 2\.7'; }

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
	cat >"$WRAP.tmp" <<-X
	#!/bin/sh
	# OpenVPN 2.7 from Debian unstable, unpacked by scripts/openvpn27.sh,
	# run through its own loader and libraries (the system's stay untouched).
	exec "$ld" --library-path "$r/lib/x86_64-linux-gnu:$r/usr/lib/x86_64-linux-gnu" "$r/usr/sbin/openvpn" "\$@"
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
		ready || { "$WRAP" --version >&2 || true; say "the unpacked openvpn does not run as 2.7"; exit 1; }
	fi
fi
"$WRAP" --version 2>&1 | head -n1 >&2
echo "$WRAP"
