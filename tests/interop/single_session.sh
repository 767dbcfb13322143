#!/usr/bin/env bash
# --single-session on a P2P TLS server (no --remote), dcovpn and openvpn 2.6
# each in turn on the same config, an openvpn 2.6 peer: the peer connects,
# restarts (SIGUSR1: a new session id), and its new session is refused with
# OpenVPN's message, the first session standing, until the server's
# --ping-restart; then the one new session is taken. Without the option
# neither logs a refusal (openvpn takes the new session at once; dcovpn
# drops it silently until the ping-restart: logged, not asserted).
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
REFUSED="Cannot accept new session request from \[AF_INET\]$UL4_C:1194 due to session context expire or --single-session"

inits() { grep -c "Initialization Sequence Completed" "$T/client.log" || true; }
refusals() { grep -c "$REFUSED" "$T/server.log" || true; }
# (functions: wait_for runs them anew each time)
inits_ge() { [ "$(inits)" -ge "$1" ]; }
refusals_ge() { [ "$(refusals)" -ge "$1" ]; }

run() { # run NAME SERVER_BIN SINGLE(0|1)
	local name=$1 bin=$2 single=$3 extra=()
	[ "$single" = 1 ] && extra=(single-session)
	p2p_server_conf "keepalive 2 8" "verb 4" "${extra[@]}"
	{ p2p_client_lines; echo "keepalive 2 8"; echo "verb 4"; } >"$T/client.conf"
	rm -f "$T/server.log" "$T/client.log"
	ip netns exec "$NS_S" "$bin" --config "$T/server.conf" >"$T/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "link local\|link remote" "$T/server.log" || fail "$name: server did not start"
	ip netns exec "$NS_C" "$OPENVPN" --config "$T/client.conf" >"$T/client.log" 2>&1 &
	CLI_PID=$!
	wait_for 20 inits_ge 1 || fail "$name: first session did not come up"
	kill -USR1 "$CLI_PID"
	if [ "$single" = 1 ]; then
		wait_for 15 refusals_ge 2 || fail "$name: new session not refused"
		[ "$(inits)" = 1 ] || fail "$name: the new session came up despite --single-session"
		grep -m1 "$REFUSED" "$T/server.log" | sed 's/^/#   /'
		wait_for 40 inits_ge 2 || fail "$name: no new session after the server's ping-restart"
		grep -q "Inactivity timeout (--ping-restart)" "$T/server.log" ||
			fail "$name: the new session came without a ping-restart"
		log "$name, single-session: $(refusals) refusals, then a new session after the ping-restart"
	else
		wait_for 20 inits_ge 2 || true
		[ "$(refusals)" = 0 ] || fail "$name: refused without --single-session"
		log "$name, no single-session: sessions $(inits), ping-restart: $(grep -c 'Inactivity timeout' "$T/server.log" || true)"
		[ "$bin" != "$OPENVPN" ] || [ "$(inits)" -ge 2 ] || fail "$name: openvpn did not take the new session"
	fi
	stop_pid "$CLI_PID"
	stop_pid "$SRV_PID"
	CLI_PID= SRV_PID=
}

run dcovpn "$DCOVPN" 1
run openvpn "$OPENVPN" 1
run dcovpn "$DCOVPN" 0
run openvpn "$OPENVPN" 0
echo "PASS: $CASE"
