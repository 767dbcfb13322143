#!/usr/bin/env bash
# --allow-pull-fqdn: an openvpn 2.6 server pushes two routes naming hosts
# (the network, and another's gateway); the names are in the client
# namespace's own /etc/hosts (ip netns exec mounts it over /etc/hosts: the
# machine's is never touched). dcovpn and openvpn 2.6 clients on the same
# config, each without and with the option:
#   without: both refuse the two routes with OpenVPN's messages, connect,
#     and install neither;
#   with: both resolve the names and install 198.18.99.7/32 and
#     198.18.98.0/24 on the tunnel (and a name that does not resolve is
#     skipped with OpenVPN's RESOLVE message, checked in unit test_options).
. "$(dirname "$0")/lib.sh"
ns_setup
ns_hosts "$NS_C" "127.0.0.1 localhost" "198.18.99.7 vpnhost.test" "$TUN4_S gwhost.test"
pki_make
server_conf udp 4 none 'push "route vpnhost.test 255.255.255.255"' \
	'push "route 198.18.98.0 255.255.255.0 gwhost.test"'
start_server

routes() { # the two routes as the client namespace has them
	in_c ip -4 route show 198.18.99.7/32
	in_c ip -4 route show 198.18.98.0/24
}

try() { # try BIN NAME FQDN(0|1)
	local bin=$1 name=$2 fqdn=$3 log=$T/$2-$3.log pid extra=() got
	[ "$fqdn" = 1 ] && extra=(allow-pull-fqdn)
	client_conf udp 4 none "${extra[@]}"
	ip netns exec "$NS_C" "$bin" --config "$T/client.conf" >"$log" 2>&1 &
	pid=$!
	BG_PIDS+=("$pid")
	wait_for 30 grep -q "Initialization Sequence Completed" "$log" ||
		{ tail -n 40 "$log"; fail "$name (fqdn $fqdn): no connection"; }
	wait_for 10 in_c ping -c1 -W1 "$TUN4_S" || fail "$name (fqdn $fqdn): no ping"
	got=$(routes)
	log "$name, allow-pull-fqdn $fqdn: routes: $(tr '\n' ';' <<<"$got")"
	if [ "$fqdn" = 1 ]; then
		# (a gateway on the tunnel: openvpn writes "via", dcovpn an
		# on-link route, as with a numeric one: both reach the tun)
		grep -q "^198.18.99.7 .*dev tun" <<<"$got" ||
			{ tail -n 40 "$log"; fail "$name: no route to vpnhost.test"; }
		grep -q "^198.18.98.0/24 .*dev tun" <<<"$got" ||
			{ tail -n 40 "$log"; fail "$name: no route via gwhost.test"; }
		! grep -q "must be a valid address" "$log" || fail "$name: refused with allow-pull-fqdn"
	else
		[ -z "$got" ] || fail "$name: routes installed without allow-pull-fqdn"
		grep -q "route parameter network/IP 'vpnhost.test' must be a valid address" "$log" ||
			{ tail -n 40 "$log"; fail "$name: network name not refused"; }
		grep -q "route parameter gateway 'gwhost.test' must be a valid address" "$log" ||
			{ tail -n 40 "$log"; fail "$name: gateway name not refused"; }
		grep -h "must be a valid address" "$log" | sed 's/^/#   /'
	fi
	stop_pid "$pid"
	wait_for 10 sh -c "! ip netns exec $NS_C ip -o link show | grep -q tun" ||
		fail "$name: tun left behind"
}

try "$DCOVPN" dcovpn 0
try "$OPENVPN" openvpn 0
try "$DCOVPN" dcovpn 1
try "$OPENVPN" openvpn 1
echo "PASS: $CASE"
