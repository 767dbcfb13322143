#!/usr/bin/env bash
# --up-delay, dcovpn against openvpn 2.6 on the same configs. A P2P TLS
# client with up-delay, started before its peer exists, opens the tun and
# runs --up only once the TLS connection is up: its up script's line comes
# after "Peer Connection Initiated" in its log, for both. Control: openvpn
# without up-delay runs it before (so the check can tell). On a --mode
# server both refuse the option with OpenVPN's words.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
d=$T/pki
p2p_server_conf "verb 3"
client_base() {
	p2p_client_lines
	printf '%s\n' "script-security 2" "connect-retry 1" "verb 3"
}

# run_client BIN NAME [extra option]: the client first, alone until it
# sends; then the peer; ORDER: "before" or "after", where the up script's
# line is against "Peer Connection Initiated" in its log
run_client() {
	local bin=$1 name=$2 log=$T/$2.log
	shift 2
	# scripts get only the daemon's environment: the path is written in
	# shellcheck disable=SC2016 # $dev is for the script
	printf '#!/bin/sh\necho "UP-SCRIPT-RAN $dev" >>%s\n' "$log" >"$T/$name.sh"
	chmod +x "$T/$name.sh"
	{ client_base; echo "up $T/$name.sh"; for l in "$@"; do echo "$l"; done; } >"$T/$name.conf"
	rm -f "$log"
	ip netns exec "$NS_C" "$bin" --config "$T/$name.conf" >>"$log" 2>&1 &
	CLI_PID=$!
	wait_for 10 grep -q "link remote" "$log" || fail "$name: did not start"
	ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 30 grep -q "Initialization Sequence Completed" "$log" ||
		fail "$name: no connection"
	wait_for 10 grep -q "UP-SCRIPT-RAN" "$log" || fail "$name: the up script did not run"
	peer=$(grep -n "Peer Connection Initiated" "$log" | head -n1 | cut -d: -f1)
	up=$(grep -n "UP-SCRIPT-RAN" "$log" | head -n1 | cut -d: -f1)
	stop_pid "$CLI_PID"
	stop_pid "$SRV_PID"
	CLI_PID='' SRV_PID=''
	ORDER=before
	[ "$up" -lt "$peer" ] || ORDER=after
}

run_client "$OPENVPN" o-nodelay
[ "$ORDER" = before ] ||
	fail "control: openvpn without up-delay ran --up after the peer came"
log "openvpn without up-delay: --up at start (control)"
for kind in openvpn dcovpn; do
	bin=$DCOVPN
	[ "$kind" = openvpn ] && bin=$OPENVPN
	run_client "$bin" "$kind-delay" up-delay
	[ "$ORDER" = after ] ||
		fail "$kind with up-delay ran --up before the TLS connection"
	log "$kind with up-delay: --up after Peer Connection Initiated"
done

# --mode server: refused by both, in the same words
printf '%s\n' "server 198.19.70.0 255.255.255.0" "dev tun" "ca $d/ca.crt" \
	"cert $d/server.crt" "key $d/server.key" "dh none" up-delay >"$T/srv-delay.conf"
for bin in "$OPENVPN" "$DCOVPN"; do
	out=$(timeout 10 "$bin" --config "$T/srv-delay.conf" 2>&1) && fail "$bin: up-delay accepted on a server"
	grep -q "Options error: --up-delay cannot be used with --mode server" <<<"$out" ||
		fail "$bin: $out"
done
log "--mode server with up-delay: refused by both"
echo "PASS: $CASE"
