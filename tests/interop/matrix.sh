#!/usr/bin/env bash
# The whole interop matrix of issue 3: UDP and TCP, IPv4 and IPv6
# transport, no wrapping / tls-auth / tls-crypt, AES-256-GCM / AES-128-GCM
# / CHACHA20-POLY1305 (the server offers only that one): 36 runs, each with
# pings both ways and an MB transfer each way (MB default 10 here; the
# single-case scripts use 50). Prints one line per run and a final
# PASS/FAIL line. "matrix.sh one PROTO FAM WRAP CIPHER" runs one cell.
if [ "${1:-}" = one ]; then
	CASE="matrix-$2$3-$4-$5"
	. "$(dirname "$0")/lib.sh"
	SERVER_EXTRA=("data-ciphers $5")
	MB=${MB:-10}
	run_basic "$2" "$3" "$4"
	[ "$3" = 6 ] && ping6_both
	grep -q "cipher '$5'" "$T/client.log" || fail "cipher not $5"
	echo "PASS: $CASE"
	exit 0
fi
set -u
# Two cells at a time (each has its own namespaces and mostly waits on
# handshakes): the matrix fits CI's time budget; output stays in order.
out_dir=$(mktemp -d /tmp/dcovpn-matrix.XXXXXX)
trap 'rm -rf "$out_dir"' EXIT
cells=()
for proto in udp tcp; do
	for fam in 4 6; do
		for wrap in none auth crypt; do
			for cipher in AES-256-GCM AES-128-GCM CHACHA20-POLY1305; do
				cells+=("$proto $fam $wrap $cipher")
			done
		done
	done
done
run_cell() { # run_cell INDEX PROTO FAM WRAP CIPHER
	local i=$1
	shift
	timeout 120 "$0" one "$@" >"$out_dir/$i.out" 2>&1
	echo $? >"$out_dir/$i.rc"
}
for i in "${!cells[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "${MATRIX_JOBS:-2}" ]; do
		wait -n
	done
	# shellcheck disable=SC2086
	run_cell "$i" ${cells[$i]} &
done
wait
fails=0
runs=0
for i in "${!cells[@]}"; do
	set -- ${cells[$i]}
	runs=$((runs + 1))
	rc=$(cat "$out_dir/$i.rc" 2>/dev/null || echo 1)
	line=$(grep -E '^(PASS|FAIL)' "$out_dir/$i.out" | tail -1)
	echo "${line:-FAIL: matrix-$1$2-$3-$4 (status $rc)}"
	if [ "$rc" -ne 0 ]; then
		fails=$((fails + 1))
		tail -n 60 "$out_dir/$i.out" >&2
	fi
done
if [ "$fails" -ne 0 ]; then
	echo "FAIL: matrix: $fails of $runs runs failed"
	exit 1
fi
echo "PASS: matrix ($runs runs)"
