#!/usr/bin/env bash
# The client's transport socket and routes as OpenVPN 2.6 options ask:
# --mark (SO_MARK, seen by ss as fwmark), --bind-dev (SO_BINDTODEVICE,
# ss's %dev), --mtu-disc yes (DF always: with a 1300-byte link a
# 1300-byte ping through the tunnel is refused, a small one goes) and
# --route-pre-down (runs before the routes go, and sees them),
# --up-restart (a SIGUSR1 restart with persist-tun runs --up again with
# "restart" as its context and last argument). openvpn
# 2.6 runs first as the client on the same config; dcovpn must show the
# same socket marks and ping results. Then dcovpn alone with
# --route-table 100 (OpenVPN 2.7's): the pushed route is in table 100,
# not in main; and mtu-disc no lets the big ping through (fragments).
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
in_s ip link set "$VETH_S" mtu 1300
in_c ip link set "$VETH_C" mtu 1300
cat >"$T/hook.sh" <<X
#!/bin/sh
{ env; echo "args=\$*"; echo "routes=\$(ip route show table all | grep -c '198\.19\.70\.0/24')"
} >"$T/hook-\$script_type.env"
X
chmod +x "$T/hook.sh"
server_conf udp 4 crypt 'push "route 198.19.70.0 255.255.255.0"'
start_server
OPTS=("mark 4242" "bind-dev $VETH_C" "mtu-disc yes" "script-security 2"
	"route-pre-down $T/hook.sh" "up $T/hook.sh" up-restart)

# run_client BINARY EXTRA...: connect, record ss and ping results
run_client() {
	local bin=$1 who
	who=$(basename "$bin")
	shift
	client_conf udp 4 crypt "${OPTS[@]}" "$@"
	rm -f "$T"/hook-*.env
	rm -f "$T/client.log"	# (see start_client)
	ip netns exec "$NS_C" "$bin" --config "$T/client.conf" >"$T/client.log" 2>&1 &
	CLI_PID=$!
	wait_for 30 grep -q "Initialization Sequence Completed" "$T/client.log" ||
		fail "$who did not complete initialization"
	wait_for 15 in_c ping -c1 -W1 "$TUN4_S" || fail "$who: small ping through the tunnel"
	in_c ss -u -a -n -e >"$T/ss-all-$who.txt"
	log "$who: $(grep -v '^State' "$T/ss-all-$who.txt")"
	grep -q 'fwmark:0x1092' "$T/ss-all-$who.txt" || fail "$who: no fwmark 4242: $(cat "$T/ss-all-$who.txt")"
	grep -q "%$VETH_C:" "$T/ss-all-$who.txt" || fail "$who: not bound to $VETH_C: $(cat "$T/ss-all-$who.txt")"
	grep -q '^script_context=init$' "$T/hook-up.env" || fail "$who: up not in context init"
	kill -USR1 "$CLI_PID"
	restarted() { [ "$(grep -c 'Initialization Sequence Completed' "$T/client.log")" -ge 2 ]; }
	wait_for 30 restarted || fail "$who: no restart after SIGUSR1"
	grep -q '^script_context=restart$' "$T/hook-up.env" || fail "$who: up-restart: no up in context restart"
	grep -q '^args=.* restart$' "$T/hook-up.env" || fail "$who: up-restart: $(grep args= "$T/hook-up.env")"
	wait_for 15 in_c ping -c1 -W1 "$TUN4_S" || fail "$who: no ping after the restart"
	if in_c ping -c2 -W1 -s 1300 "$TUN4_S" >/dev/null 2>&1; then
		echo pass >"$T/bigping-$who"
	else
		echo refused >"$T/bigping-$who"
	fi
	stop_pid "$CLI_PID"
	CLI_PID=
	[ -f "$T/hook-route-pre-down.env" ] || fail "$who: route-pre-down did not run"
	grep -q '^routes=[1-9]' "$T/hook-route-pre-down.env" || fail "$who: routes gone before route-pre-down"
}

run_client "$OPENVPN" disable-dco
run_client "$DCOVPN"
log "big ping with mtu-disc yes: openvpn $(cat "$T/bigping-openvpn"), dcovpn $(cat "$T/bigping-dcovpn")"
[ "$(cat "$T/bigping-openvpn")" = "$(cat "$T/bigping-dcovpn")" ] || fail "mtu-disc yes: dcovpn differs from openvpn"
[ "$(cat "$T/bigping-dcovpn")" = refused ] || fail "mtu-disc yes: a 1300-byte ping went through a 1300-byte link"

# route-table 100, mtu-disc no: dcovpn only (openvpn 2.6 has no route-table)
OPTS=("mtu-disc no" "route-table 100")
client_conf udp 4 crypt "${OPTS[@]}"
start_client
in_table_100() { in_c ip route show table 100 | grep -q '^198\.19\.70\.0/24 '; }
wait_for 10 in_table_100 || fail "no pushed route in table 100: $(in_c ip route show table all | grep 198.19.70)"
in_c ip route show table main | grep -q '^198\.19\.70\.0/24' && fail "pushed route in the main table"
wait_for 15 in_c ping -c1 -W1 "$TUN4_S" || fail "small ping through the tunnel"
in_c ping -c2 -W2 -s 1300 "$TUN4_S" >/dev/null || fail "mtu-disc no: the big ping was not fragmented"
echo "PASS: $CASE"
