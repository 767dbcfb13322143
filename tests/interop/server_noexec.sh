#!/usr/bin/env bash
# A server with --ifconfig-noexec and --route-noexec (addresses, link and
# routes left to its up script, as NetworkManager-style setups do):
# openvpn 2.6 and dcovpn on the same config leave the tun bare (no
# address, link down, no route) and hand the up script the same
# ifconfig_* and route_* variables.
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
cat >"$T/hook.sh" <<X
#!/bin/sh
env | grep -E '^(ifconfig_|dev=|tun_mtu)' | sort >"$T/up-env"
X
chmod +x "$T/hook.sh"
server_conf udp crypt ifconfig-noexec route-noexec "route 198.19.90.0 255.255.255.0" \
	"script-security 2" "up $T/hook.sh"

# bare WHO: the tun device as the server left it
bare() {
	local who=$1 tun
	tun=$(in_s ip -o link show | awk -F': ' '$2 ~ /^tun/ { print $2; exit }')
	[ -n "$tun" ] || fail "$who: no tun device"
	[ -z "$(in_s ip -o addr show dev "$tun")" ] || fail "$who: addresses set: $(in_s ip -o addr show dev "$tun")"
	[ -z "$(in_s ip route show dev "$tun")" ] || fail "$who: routes set"
	in_s ip -o link show dev "$tun" | grep -q ',UP' && fail "$who: link brought up"
	sed 's/^dev=tun[0-9]*/dev=TUN/' "$T/up-env" >"$T/up-env-$who"
}

ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/openvpn-server.log" 2>&1 &
SRV_PID=$!
wait_for 10 grep -q "Initialization Sequence Completed" "$T/openvpn-server.log" ||
	fail "openvpn server did not start"
bare openvpn
stop_pid "$SRV_PID"
rm -f "$T/up-env"
start_server
bare dcovpn
log "up env: $(tr '\n' ' ' <"$T/up-env-dcovpn")"
diff "$T/up-env-openvpn" "$T/up-env-dcovpn" || fail "up script environments differ"
echo "PASS: $CASE"
