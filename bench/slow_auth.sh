#!/usr/bin/env bash
# bench/slow_auth: does one client's 5-second auth-user-pass-verify script
# delay everybody else's connects (issue 13: by at most 10%)? dcovpn-load
# brings up SLOW_N (200) clients whose script accepts at once, on a server
# where every connect runs that script, alone and then while an openvpn 2.6
# client's script sleeps 5 s; SLOW_ROUNDS (3) interleaved pairs, medians of
# connect p50 and handshakes/s. The same against openvpn 2.6 as the server
# for comparison (its scripts run in its event loop: one round only).
#
#   bench/slow_auth.sh                  SLOW_N=200 SLOW_ROUNDS=3
#   SLOW_KINDS=dcovpn bench/slow_auth.sh   without the openvpn reference
CASE=bench-slow-auth
. "$(dirname "$0")/../tests/interop/server_lib.bash"
. "$ROOT/tests/interop/load_lib.bash"
SLOW_N=${SLOW_N:-200}
SLOW_ROUNDS=${SLOW_ROUNDS:-3}
SLOW_KINDS=${SLOW_KINDS:-dcovpn openvpn}
ns_setup 2
pki_make
load_net
cat >"$T/auth.sh" <<'X'
#!/bin/sh
d=$(dirname "$0")
[ "$username" = slow ] || exit 0
touch "$d/slow.started"; sleep 5; touch "$d/slow.done"; exit 0
X
chmod +x "$T/auth.sh"
printf 'fast\npw\n' >"$T/up-fast"
printf 'slow\npw\n' >"$T/up-slow"
server_conf udp auth duplicate-cn "max-clients $((2 * SLOW_N + 100))" \
	"tun-mtu 1400" "script-security 2" "auth-user-pass-verify $T/auth.sh via-env"
sed -i -e 's/^server 198.19.66.0 255.255.255.0$/server 198.19.64.0 255.255.252.0/' \
	-e '/^status /d' -e '/^status-version /d' -e '/^ifconfig-pool-persist /d' \
	-e 's/^verb 4$/verb 1/' "$T/server.conf"
client_conf 1 udp auth "auth-user-pass $T/up-fast"
client_conf 2 udp auth disable-dco "auth-user-pass $T/up-slow" auth-nocache

# one KIND MODE(alone|slow) ROUND: prints "p50 hs/s" of the load
one() {
	local kind=$1 mode=$2 name=$1-$2-$3
	start_server_kind "$kind"
	rm -f "$T/slow.started" "$T/slow.done"
	if [ "$mode" = slow ]; then
		start_client 2 openvpn26
		wait_for 10 test -f "$T/slow.started" || fail "$kind: the slow script did not start"
	fi
	run_load "$name" --clients "$SLOW_N" --rate 10000 --inflight 64 --hold 1 \
		--ping-ms 0 --timeout 60 || log "$name: incomplete" >&2
	[ "$mode" = slow ] && [ -f "$T/slow.done" ] &&
		log "$name: the load outlasted the slow script" >&2
	[ "$(stat "$name" up)" = "$SLOW_N" ] || log "$name: $(stat "$name" up) of $SLOW_N up" >&2
	if [ "$mode" = slow ]; then
		stop_pid "${CLI_PIDS[2]}"
		CLI_PIDS[2]=
	fi
	stop_pid "$SRV_PID"
	SRV_PID=
	echo "$(stat "$name" connect_p50_ms) $(stat "$name" handshakes_per_s)"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "| server | clients | rounds | connect p50 alone / with the slow script | handshakes/s alone / with | p50 change (medians) | p50 change (median of the rounds' ratios) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for kind in $SLOW_KINDS; do
	rounds=$SLOW_ROUNDS
	[ "$kind" = openvpn ] && rounds=1
	: >"$T/alone" ; : >"$T/slow"
	for r in $(seq 1 "$rounds"); do
		one "$kind" alone "$r" >>"$T/alone"
		one "$kind" slow "$r" >>"$T/slow"
	done
	a50=$(cut -d' ' -f1 "$T/alone" | median) s50=$(cut -d' ' -f1 "$T/slow" | median)
	ahs=$(cut -d' ' -f2 "$T/alone" | median) shs=$(cut -d' ' -f2 "$T/slow" | median)
	# each round's pair measured back to back: the median of their ratios
	# is steadier than the ratio of the medians when the rounds drift
	pair=$(paste -d' ' "$T/alone" "$T/slow" |
		awk '$1 > 0 { print $3 / $1 }' | median)
	echo "| $kind | $SLOW_N | $rounds | $a50 / $s50 ms | $ahs / $shs |" \
		"$(awk -v a="$a50" -v s="$s50" 'BEGIN { printf "%+.0f%%", a ? 100 * (s - a) / a : 0 }') |" \
		"$(awk -v r="$pair" 'BEGIN { printf "%+.0f%%", 100 * (r - 1) }') |"
	log "$kind alone: $(tr '\n' ';' <"$T/alone") with the slow script: $(tr '\n' ';' <"$T/slow")"
done
