#!/bin/bash
# Reproducible build check: copy the source tree to two directories of
# different names and depths, build dcovpn and dcovpn-cli in each, and
# compare the binaries byte for byte (the build path must not leak into
# them). Run by .ci/run; about a minute on 2 CPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
W=$(mktemp -d /tmp/dcovpn-repro.XXXXXX)
trap 'rm -rf "$W"' EXIT
dirs=("$W/one/dcovpn" "$W/second-copy/x/y/src-tree")
for d in "${dirs[@]}"; do
	mkdir -p "$d"
	tar -C . --exclude='./build*' --exclude=./.git -cf - . | tar -C "$d" -xf -
	make -C "$d" -j"$JOBS" build/dcovpn build/dcovpn-cli >"$d.log" 2>&1 ||
		{ cat "$d.log"; echo "repro-check: build in $d failed" >&2; exit 1; }
done
rc=0
for f in dcovpn dcovpn-cli; do
	if cmp "${dirs[0]}/build/$f" "${dirs[1]}/build/$f"; then
		echo "repro-check: build/$f identical ($(sha256sum <"${dirs[0]}/build/$f" | cut -c1-16))"
	else
		echo "repro-check: build/$f differs between ${dirs[0]} and ${dirs[1]}" >&2
		grep -c -a "$W" "${dirs[1]}/build/$f" >&2 || true
		rc=1
	fi
done
exit $rc
