#!/usr/bin/env bash
# --persist-remote-ip and --persist-local-ip, dcovpn against openvpn 2.6
# on the same client config, with an openvpn 2.6 server (multihome, on
# two addresses): --remote and --local are names in the client
# namespace's hosts file. Connected, the names are moved to other
# addresses and the client gets SIGUSR1. With both options it reconnects
# from and to the addresses it had (no new resolution); without them it
# resolves again and comes from the new local address to the new remote
# one. Both clients behave alike, seen in their logs and the server's.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
in_s ip addr add 198.18.64.3/24 dev "$VETH_S"
in_c ip addr add 198.18.64.4/24 dev "$VETH_C"
wait_for 10 in_c ping -c1 -W1 198.18.64.3 || fail "second address unreachable"
server_conf udp 4 crypt multihome "verb 3"
ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
SRV_PID=$!
wait_for 15 grep -q "Initialization Sequence Completed" "$T/server.log" ||
	fail "server did not start"

# count ADDR: connections the server saw initiated from ADDR
count() {
	grep -c "Peer Connection Initiated with \[AF_INET\]$1:" "$T/server.log" || true
}
more() { [ "$(count "$1")" -gt "$2" ]; }
inits() {
	[ "$(grep -c "Initialization Sequence Completed" "$T/client.log")" -ge "$1" ]
}

# run KIND PERSIST(0|1) NEW_REMOTE NEW_LOCAL
run() {
	local kind=$1 bin=$DCOVPN n
	[ "$kind" = openvpn ] && bin=$OPENVPN
	ns_hosts "$NS_C" "127.0.0.1 localhost" "$UL4_S vpnserver" "$UL4_C vpnclient"
	client_conf udp 4 crypt "local vpnclient" "lport 0"
	sed -i -e "s/^remote .*/remote vpnserver 1194/" -e "/^nobind/d" "$T/client.conf"
	[ "$2" = 1 ] && printf '%s\n' persist-remote-ip persist-local-ip >>"$T/client.conf"
	n=$(count "$UL4_C")
	ip netns exec "$NS_C" "$bin" --config "$T/client.conf" >"$T/client.log" 2>&1 &
	CLI_PID=$!
	wait_for 30 inits 1 || fail "$kind: did not connect"
	wait_for 10 more "$UL4_C" "$n" || fail "$kind: server did not see $UL4_C"
	ns_hosts "$NS_C" "127.0.0.1 localhost" "198.18.64.3 vpnserver" "198.18.64.4 vpnclient"
	n=$(count "$4")
	kill -USR1 "$CLI_PID"
	wait_for 30 inits 2 || fail "$kind: did not reconnect after SIGUSR1"
	grep -E "link remote: .*$3:1194" "$T/client.log" >/dev/null ||
		fail "$kind persist=$2: did not reconnect to $3: $(grep 'link remote' "$T/client.log")"
	wait_for 10 more "$4" "$n" || fail "$kind persist=$2: server did not see $4"
	cp "$T/client.log" "$T/client-$kind-$2.log"
	stop_pid "$CLI_PID"
	CLI_PID=''
}

for kind in openvpn dcovpn; do
	run "$kind" 1 "$UL4_S" "$UL4_C"
	[ "$(grep -cE "link remote: .*198\.18\.64\.3:" "$T/client.log")" = 0 ] ||
		fail "$kind: persist-remote-ip resolved again"
	log "$kind: persist-remote-ip/-local-ip: back to $UL4_S from $UL4_C"
	run "$kind" 0 198.18.64.3 198.18.64.4
	log "$kind: without them: to 198.18.64.3 from 198.18.64.4"
done
echo "PASS: $CASE"
