#!/usr/bin/env bash
# --allow-recursive-routing, dcovpn against openvpn 2.6 clients on the same
# configs (one openvpn server): the client's own socket is marked (mark 1)
# and everything else to the server's outer address is routed into the
# tunnel (policy rule). A ping to that address is a tun packet to the
# peer's own address: dropped ("Recursive routing detected") by default,
# carried (the server answers through the tunnel) with the option.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 crypt
start_server

# one KIND NAME [extra]: sets PINGED (yes/no) for the ping through the
# recursive route
one() {
	local kind=$1 name=$2 bin=$DCOVPN log=$T/$2.log tun
	shift 2
	[ "$kind" = openvpn ] && bin=$OPENVPN
	client_conf udp 4 crypt "mark 1" "$@"
	rm -f "$log"
	ip netns exec "$NS_C" "$bin" --config "$T/client.conf" >"$log" 2>&1 &
	CLI_PID=$!
	wait_for 30 grep -q "Initialization Sequence Completed" "$log" || fail "$name: no connection"
	tun=$(in_c ip -o link show | awk -F': ' '$2 ~ /^tun/ { print $2; exit }')
	in_c ip route add "$UL4_S/32" dev "$tun" table 100
	in_c ip rule add not fwmark 1 lookup 100 prio 100
	PINGED=no
	in_c ping -c3 -i0.3 -W1 "$UL4_S" >/dev/null 2>&1 && PINGED=yes
	in_c ip rule del prio 100
	stop_pid "$CLI_PID"
	CLI_PID=''
}

for kind in openvpn dcovpn; do
	one "$kind" "$kind-default"
	[ "$PINGED" = no ] || fail "$kind: the recursive ping went through by default"
	grep -q "Recursive routing detected" "$T/$kind-default.log" ||
		fail "$kind: no 'Recursive routing detected' in its log"
	one "$kind" "$kind-allow" allow-recursive-routing
	[ "$PINGED" = yes ] || fail "$kind: no recursive ping with allow-recursive-routing"
	log "$kind: dropped by default, carried with allow-recursive-routing"
done
echo "PASS: $CASE"
