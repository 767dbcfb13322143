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
fails=0
runs=0
for proto in udp tcp; do
	for fam in 4 6; do
		for wrap in none auth crypt; do
			for cipher in AES-256-GCM AES-128-GCM CHACHA20-POLY1305; do
				runs=$((runs + 1))
				out=$(timeout 120 "$0" one "$proto" "$fam" "$wrap" "$cipher" 2>&1)
				rc=$?
				line=$(echo "$out" | grep -E '^(PASS|FAIL)' | tail -1)
				echo "${line:-FAIL: matrix-$proto$fam-$wrap-$cipher (status $rc)}"
				if [ "$rc" -ne 0 ]; then
					fails=$((fails + 1))
					echo "$out" | tail -n 60 >&2
				fi
			done
		done
	done
done
if [ "$fails" -ne 0 ]; then
	echo "FAIL: matrix: $fails of $runs runs failed"
	exit 1
fi
echo "PASS: matrix ($runs runs)"
