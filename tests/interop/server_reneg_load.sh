#!/usr/bin/env bash
# Renegotiation every few seconds under steady UDP, compared with OpenVPN
# on the same setup. Two servers in one namespace: dcovpn (port 1194) and
# Debian's openvpn 2.6 (port 1195), each with "reneg-sec $RENEG_SEC", and
# four clients, all with the same reneg-sec:
#   c1 openvpn -> dcovpn server     c2 dcovpn -> openvpn server
#   c3 openvpn -> openvpn server    (the reference)
#   c4 dcovpn  -> dcovpn server
# Every client sends and receives RATE datagrams a second for SECS seconds
# (udprate.py). Asserts:
#   - no dcovpn engine dropped a data packet for want of its key or
#     because it failed to decrypt, and the openvpn peers of dcovpn logged
#     no more key errors than the openvpn pair;
#   - each pair with a dcovpn end loses no more than the openvpn pair,
#     with an allowance for the machine's noise (LOSS_SLACK per mille);
#   - the dcovpn server keeps no memory per renegotiation once warm
#     (after WARM renegotiations of its clients): its RSS, sampled at the
#     start, the middle and the end of the rest, does not grow by
#     RSS_MAX_KB / 2 (or RSS_PER_RENEG_KB per renegotiation, if more:
#     long runs) in both halves. A leak grows both halves alike; the
#     engine's packet pools (64 + 128 buffers of 64 kB a worker, one
#     allocation each, their pages resident from first use) grow in a
#     step wherever the load first lets a batch run deeper, which under
#     a loaded machine can come after any warm-up;
#   - the control thread of each dcovpn process (where TLS runs) used no
#     more CPU than the whole openvpn process on the same side (which
#     carries the data too): a renegotiation must not keep it busy;
#   - everyone renegotiated and is still connected.
# Knobs: RENEG_LOAD_SECS (40; run it for minutes by hand), RENEG_SEC (3),
# RATE (1000), WARM (5), RSS_MAX_KB (256), RSS_PER_RENEG_KB (8),
# LOSS_SLACK (5).
. "$(dirname "$0")/server_lib.bash"
. "$LIB_DIR/udprate_lib.bash"
SECS=${RENEG_LOAD_SECS:-40}
RS=${RENEG_SEC:-3}
RATE=${RATE:-1000}
WARM=${WARM:-5}
RSS_MAX_KB=${RSS_MAX_KB:-256}
RSS_PER_RENEG_KB=${RSS_PER_RENEG_KB:-8}
LOSS_SLACK=${LOSS_SLACK:-5}
OTUN4_S=198.19.68.1

ns_setup 4
pki_make
server_conf udp crypt "reneg-sec $RS" "tun-mtu 1400"
# the openvpn server: same settings, its own port, subnet and files
sed -e 's/^port 1194/port 1195/' -e 's/^server 198.19.66.0/server 198.19.68.0/' \
	-e 's|^server-ipv6 .*|server-ipv6 fd00:69::/64|' -e "s|$T/ipp.txt|$T/oipp.txt|" \
	-e "s|^status $T/status|status $T/ostatus|" "$T/server.conf" >"$T/oserver.conf"
echo "disable-dco" >>"$T/oserver.conf"
for i in 1 2 3 4; do client_conf "$i" udp crypt "reneg-sec $RS" "tun-mtu 1400"; done
for i in 2 3; do sed -i 's/^remote \(.*\) 1194$/remote \1 1195/' "$T/c$i.conf"; done
for i in 1 3; do echo "disable-dco" >>"$T/c$i.conf"; done
start_server
SRV_PID=$(pgrep -P "$SRV_PID" -f dcovpn || echo "$SRV_PID")
# not through in_s: "$!" must be openvpn itself (ip netns exec execs it),
# which teardown stops; a function's subshell would leave it behind
ip netns exec "$NS_S" "$OPENVPN" --config "$T/oserver.conf" >"$T/oserver.log" 2>&1 &
OSRV_PID=$!
BG_PIDS+=("$OSRV_PID")
wait_for 10 grep -q "Initialization Sequence Completed" "$T/oserver.log" ||
	fail "openvpn server did not start"
start_client 1 openvpn
start_client 2 dcovpn
start_client 3 openvpn
start_client 4 dcovpn
for i in 1 2 3 4; do wait_client "$i"; done
for i in 1 2 3 4; do
	CPID[i]=$(pgrep -P "${CLI_PIDS[$i]}" || echo "${CLI_PIDS[$i]}")
done
srv_of() { case $1 in 1 | 4) echo "$TUN4_S" ;; *) echo "$OTUN4_S" ;; esac; }
for i in 1 2 3 4; do
	wait_for 15 in_c "$i" ping -c1 -W1 "$(srv_of "$i")" || fail "c$i ping"
done
log "4 clients up; $SECS s of $RATE datagrams/s each way, reneg-sec $RS"

# A second of bursts at 20 times the rate, both ways, to a port nobody
# listens on: the engine's packet pools are touched as deep as they get
# (pages of a pool are resident from their first use), so that what grows
# after the warm-up sample is what renegotiations keep. Before the
# measured traffic, which it would disturb.
pool_warm() {
	local i
	for i in 1 4; do
		in_c "$i" timeout 20 python3 "$UDPRATE" send "$TUN4_S" 9 $((RATE * 20)) 1 >/dev/null &
		BG_PIDS+=($!)
		in_s timeout 20 python3 "$UDPRATE" send "$(client_tun4 "$i")" 9 $((RATE * 20)) 1 >/dev/null &
		BG_PIDS+=($!)
	done
	for i in 1 2 3 4; do wait "${BG_PIDS[-$i]}" || true; done
}
pool_warm

udprate_start "$SECS" "$RATE" 1:"$TUN4_S" 2:"$OTUN4_S" 3:"$OTUN4_S" 4:"$TUN4_S"
send_end=$(($(date +%s) + SECS))

# smaps_grown A B: which mappings grew from sample A to B ("start name
# +kB", ...; keyed by start address: the heap grows at its end)
smaps_grown() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { split($1, r, "-"); m = r[1] " " $6 } /^Rss:/ {
		if (FILENAME == ARGV[1]) a[m] = $2; else if ($2 > a[m] + 16) printf "%s +%d kB; ", m, $2 - a[m] }' \
		"$T/smaps$1" "$T/smaps$2"
}
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SRV_PID/status"; }
renegs() { grep -c "soft reset of key-id .* completed" "$T/server.log" || true; }
# warm: WARM renegotiations of each of the dcovpn server's two clients
wait_for $((SECS + 5)) bash -c "[ \$(grep -c 'soft reset of key-id .* completed' '$T/server.log') -ge $((2 * WARM)) ]" ||
	fail "the dcovpn server saw $(renegs) renegotiations, want $((2 * WARM)) by now"
# sample K: RSS, renegotiations so far and the mappings
sample() {
	RSS_AT[$1]=$(rss)
	RENEGS_AT[$1]=$(renegs)
	cp "/proc/$SRV_PID/smaps" "$T/smaps$1"
}
sample 0
# the middle of what is left of the traffic
mid=$(((send_end + $(date +%s)) / 2))
wait_for $((mid - $(date +%s) + 2)) bash -c "[ \$(date +%s) -ge $mid ]"
sample 1
for p in "${UDPRATE_SENDERS[@]}"; do wait "$p" || fail "a sender failed"; done
sample 2
# CPU seconds x100 (clock ticks): a process, or only its main thread
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu_main() { awk '{ print $14 + $15 }' "/proc/$1/task/$1/stat"; }
cpu_srv=$(cpu_main "$SRV_PID")
cpu_osrv=$(cpu "$OSRV_PID")
cpu_c2=$(cpu_main "${CPID[2]}")
cpu_c4=$(cpu_main "${CPID[4]}")
cpu_c3=$(cpu "${CPID[3]}")
udprate_results 1 2 3 4

# loss per million, per pair
for i in 1 2 3 4; do
	L[i]=$(udprate_loss "$i")
	log "c$i: $(udprate_summary "$i"), loss $(awk -v l="${L[$i]}" 'BEGIN { printf "%.3f%%", l / 10000 }')"
done
log "dcovpn server RSS ${RSS_AT[0]} kB after ${RENEGS_AT[0]} renegotiations -> ${RSS_AT[1]} kB after ${RENEGS_AT[1]} -> ${RSS_AT[2]} kB after ${RENEGS_AT[2]}"
nov=$(($(grep -c "Control Channel: TLSv" "$T/oserver.log" || true) - 2))
log "openvpn server: $nov renegotiations"

log "CPU ticks: dcovpn server control thread $cpu_srv, openvpn server $cpu_osrv; dcovpn client control threads $cpu_c2 and $cpu_c4, openvpn client $cpu_c3"
for i in 1 4; do
	grep -q "^CLIENT_LIST,cli$i," "$T/status" || fail "cli$i no longer in the status file"
done
# The engines' drop counters (logged at exit) say what the key transitions
# cost the dcovpn ends: no data packet may lack its key or fail to decrypt.
# The openvpn ends log such packets ("keys are out of sync", decrypt errors).
for p in "${CPID[2]}" "${CPID[4]}" "$SRV_PID"; do stop_pid "$p"; done
key_drops() {
	{ grep -h "engine: link rx" "$1" || echo "none"; } | tail -n1 |
		awk '$1 == "none" { print "none"; exit }
		     { for (i = 1; i < NF; i++) if ($i == "no_key" || $i == "decrypt") n += $(i + 1) }
		     END { if (NR && $1 != "none") print n + 0 }'
}
ovpn_key_errors() {
	grep -cE "${2:-}.*(out of sync|Authenticate/Decrypt packet error|AEAD Decrypt error)" "$1" || true
}
kd_srv=$(key_drops "$T/server.log")
kd_c2=$(key_drops "${CLI_LOG[2]}")
kd_c4=$(key_drops "${CLI_LOG[4]}")
ke_c1=$(ovpn_key_errors "${CLI_LOG[1]}")
ke_c3=$(ovpn_key_errors "${CLI_LOG[3]}")
ke_os2=$(ovpn_key_errors "$T/oserver.log" "cli2/")
ke_os3=$(ovpn_key_errors "$T/oserver.log" "cli3/")
log "packets without key or failing to decrypt: dcovpn server $kd_srv, c2 $kd_c2, c4 $kd_c4; openvpn c1 $ke_c1, c3 $ke_c3, server for cli2 $ke_os2, for cli3 $ke_os3"
# every check runs; all that failed are named
bad=()
for v in kd_srv kd_c2 kd_c4; do
	[ "${!v}" = 0 ] || bad+=("$v: ${!v} data packets without key or failing to decrypt (none: no counters logged)")
done
[ "$ke_c1" -le "$ke_c3" ] || bad+=("openvpn client c1 logged $ke_c1 key errors against dcovpn, c3 $ke_c3 against openvpn")
[ "$ke_os2" -le "$ke_os3" ] || bad+=("the openvpn server logged $ke_os2 key errors for dcovpn's cli2, $ke_os3 for cli3")
grep -q "engine: link rx" "$T/server.log" || bad+=("no engine counters in the server log")
[ "$cpu_srv" -le "$cpu_osrv" ] ||
	bad+=("the dcovpn server's control thread used $cpu_srv ticks, the whole openvpn server $cpu_osrv")
for i in 2 4; do
	c=cpu_c$i
	[ "${!c}" -le "$cpu_c3" ] ||
		bad+=("the control thread of dcovpn client c$i used ${!c} ticks, the whole openvpn client $cpu_c3")
done
[ $((RENEGS_AT[2] - RENEGS_AT[0])) -ge 4 ] || bad+=("only $((RENEGS_AT[2] - RENEGS_AT[0])) renegotiations after warm-up")
[ "$nov" -ge 4 ] || bad+=("openvpn server saw $nov renegotiations")
# a leak grows both halves; a step of pool pages first touched (or of the
# heap's high-water mark) only one. Each half may creep by
# RSS_PER_RENEG_KB per renegotiation on a long run (the event ring of
# 8baef67 kept 20-50 kB each).
half_growth() { # half_growth K: kB the RSS grew in half K (1 or 2)
	local g=$((RSS_AT[$1] - RSS_AT[$1 - 1])) nr=$((RENEGS_AT[$1] - RENEGS_AT[$1 - 1]))
	local allow=$((RSS_MAX_KB / 2 > RSS_PER_RENEG_KB * nr ? RSS_MAX_KB / 2 : RSS_PER_RENEG_KB * nr))
	[ "$g" -ge "$allow" ] && echo "$g kB over $nr renegotiations (allowed $allow): $(smaps_grown $(($1 - 1)) $1)"
	return 0
}
h1=$(half_growth 1)
h2=$(half_growth 2)
if [ -n "$h1" ] && [ -n "$h2" ]; then
	bad+=("dcovpn server RSS grew in both halves after warm-up: $h1 | $h2")
elif [ -n "$h1$h2" ]; then
	log "RSS grew in one half only (a step, not a leak): $h1$h2"
fi
allow=$((L[3] + LOSS_SLACK * 1000))
for i in 1 2 4; do
	[ "${L[$i]}" -le "$allow" ] ||
		bad+=("c$i lost ${L[$i]} ppm, openvpn<->openvpn ${L[3]} ppm (allowance $allow)")
done
[ ${#bad[@]} -eq 0 ] || { printf '# %s\n' "${bad[@]}"; fail "${#bad[@]} check(s) failed"; }
echo "PASS: $CASE"
