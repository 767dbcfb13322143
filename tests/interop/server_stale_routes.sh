#!/usr/bin/env bash
# stale-routes-check 4 1 on the server, dcovpn against openvpn 2.6 as the
# server on the same config, two openvpn 2.6 clients. cli1's address is
# kept busy (the server pings it every 0.5 s); cli2 sits idle but for
# keepalive pings (which use no route) and has an iroute (ccd) no packet
# uses. Both servers then: remove cli2's address and iroute after about
# 4 s, with learn-address "delete 198.19.66.x" and "delete
# 198.19.70.0/24"; cli2 is unreachable through the tunnel while still
# connected; cli1's busy address stays and answers, until its pings stop:
# then it goes too. Each address is deleted once: not again when the
# clients leave (explicit-exit-notify). Both learned the same: each
# address and the iroute "add"ed once. learn-times.log (printed on
# failure) has when each script ran.
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
mkdir -p "$T/ccd"
echo "iroute 198.19.70.0 255.255.255.0" >"$T/ccd/cli2"
cat >"$T/learn.sh" <<X
#!/bin/sh
echo "\$1 \$2" >>"$T/learn.log"
echo "\$(date +%s.%N) \$1 \$2" >>"$T/learn-times.log"
X
chmod +x "$T/learn.sh"

deletes() { grep -c "^delete $1\$" "$T/learn.log" || true; }
deleted() { [ "$(deletes "$1")" -ge 1 ]; }

run() {
	local kind=$1 a1 a2 pinger
	: >"$T/learn.log"
	server_conf udp crypt "stale-routes-check 4 1" "script-security 2" \
		"learn-address $T/learn.sh" "client-config-dir $T/ccd" \
		"route 198.19.70.0 255.255.255.0"
	for i in 1 2; do client_conf "$i" udp crypt disable-dco "explicit-exit-notify 1"; done
	if [ "$kind" = openvpn ]; then start_openvpn_server; else start_server; fi
	start_client 1 openvpn
	wait_client 1
	a1=$(client_tun4 1)
	[ -n "$a1" ] || fail "$kind: cli1 has no tunnel address"
	ip netns exec "$NS_S" ping -c 60 -i 0.5 -W1 "$a1" >/dev/null 2>&1 &
	pinger=$!
	BG_PIDS+=("$pinger")
	start_client 2 openvpn
	wait_client 2
	a2=$(client_tun4 2)
	[ -n "$a2" ] || fail "$kind: cli2 has no tunnel address"
	in_c 2 ip addr replace 198.19.70.1/32 dev lo
	wait_for 25 deleted "$a2" || fail "$kind: cli2's idle address not deleted: $(tr '\n' ';' <"$T/learn-times.log")"
	wait_for 5 deleted 198.19.70.0/24 || fail "$kind: cli2's idle iroute not deleted: $(cat "$T/learn.log")"
	! in_s ping -c1 -W1 "$a2" >/dev/null 2>&1 || fail "$kind: cli2 still reachable"
	! in_s ping -c1 -W1 198.19.70.1 >/dev/null 2>&1 || fail "$kind: cli2's iroute still reachable"
	kill -0 "${CLI_PIDS[2]}" || fail "$kind: cli2 ended"
	in_s ping -c2 -i0.3 -W1 "$a1" >/dev/null || fail "$kind: busy cli1 no longer answers"
	[ "$(deletes "$a1")" = 0 ] || fail "$kind: cli1's busy address deleted"
	log "$kind: idle cli2 $a2 and 198.19.70.0/24 deleted; busy cli1 $a1 kept"
	stop_pid "$pinger"
	wait_for 25 deleted "$a1" || fail "$kind: cli1's address not deleted once idle: $(tr '\n' ';' <"$T/learn-times.log")"
	log "$kind: cli1 $a1 deleted once idle"
	for i in 1 2; do stop_pid "${CLI_PIDS[$i]}"; done
	wait_for 20 bash -c "[ \$(grep -c . '$T/status') -gt 0 ] && ! grep -q '^CLIENT_LIST' '$T/status'" ||
		fail "$kind: clients still listed"
	[ "$(deletes "$a1")" = 1 ] && [ "$(deletes "$a2")" = 1 ] ||
		fail "$kind: an address deleted twice: $(cat "$T/learn.log")"
	grep -q "Initializing stale route check timer to run every 1 seconds and to removing routes with activity timeout older than 4 seconds" \
		"$T/server.log" "$T/server-openvpn.log" 2>/dev/null || fail "$kind: no timer line"
	cp "$T/learn.log" "$T/learn-$kind.log"
	rm -f "$T/learn-times.log"
	stop_pid "$SRV_PID"
	SRV_PID=
	for i in 1 2; do ip netns exec "sv-$$-c$i" ip link del tun0 2>/dev/null || true; done
	# the next phase must not find this one's lines (start_client
	# truncates its log only once the client process runs)
	rm -f "$T/server.log" "$T/server-openvpn.log" "$T/status" "$T"/c?-openvpn.log
}

run openvpn
run dcovpn
# what each learned: the clients' addresses and cli2's iroute, as "add"
for kind in openvpn dcovpn; do grep "^add" "$T/learn-$kind.log" | sort >"$T/adds-$kind"; done
grep -q "^add 198.19.70.0/24$" "$T/adds-openvpn" || fail "openvpn learned no iroute: $(cat "$T/adds-openvpn")"
diff "$T/adds-openvpn" "$T/adds-dcovpn" >&2 || fail "learn-address add differs from openvpn's"
echo "PASS: $CASE"
