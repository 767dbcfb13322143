#!/usr/bin/env bash
# NetworkManager's openvpn plugin (network-manager-openvpn 1.10.2, Debian
# 12): the command line its nm-openvpn-service builds for a TLS connection
# (src/nm-openvpn-service.c nm_openvpn_start_openvpn_binary, with
# NM_VPN_LOG_LEVEL=4 NM_VPN_LOG_SYSLOG=0, NM_OPENVPN_USER=nobody,
# NM_OPENVPN_GROUP=nogroup, NM_OPENVPN_CHROOT=a directory of the test), run
# once with openvpn 2.6 and once with dcovpn against an openvpn server.
# Its real up helper, nm-openvpn-service-openvpn-helper, reports over the
# system bus (a private dbus-daemon, bind-mounted over /run/dbus in a
# mount namespace of the client only) to a stand-in for NetworkManager
# (nm_listener.py). Checked: the helper's report from dcovpn equals the one
# from openvpn (addresses, prefixes, routes, gateways, DNS, tundev, MTU);
# dcovpn left the tun without addresses, routes and link; configured from
# the report (as NetworkManager would) the tunnel carries pings;
# --management-client-group root turns away a peer of another group.
. "$(dirname "$0")/lib.sh"
HELPER=
for d in / /var/cache/dcovpn/nm-openvpn/; do
	h=${d}usr/lib/NetworkManager/nm-openvpn-service-openvpn-helper
	[ -x "$h" ] && HELPER=$h && break
done
[ -n "$HELPER" ] || fail "nm-openvpn-service-openvpn-helper missing (scripts/install-deps.sh unpacks it)"
PY=/usr/bin/python3
$PY -c 'import dbus, gi' 2>/dev/null || fail "python3-dbus / python3-gi missing"
command -v dbus-daemon >/dev/null || fail "dbus-daemon missing"
BUS_NAME=org.freedesktop.NetworkManager.openvpn.Connection_7

ns_setup
pki_make
server_conf udp 4 none 'push "route 198.19.70.0 255.255.255.0"' \
	'push "route-ipv6 fd00:66::/64"' 'push "dhcp-option DNS 198.19.64.1"'
start_server

# The private system bus and the stand-in for NetworkManager.
# the chroot has a tmp, as Debian's /var/lib/openvpn/chroot
mkdir -p "$T/dbus" "$T/chroot/tmp"
start_private_bus
$PY "$LIB_DIR/nm_listener.py" "unix:path=$T/dbus/system_bus_socket" "$BUS_NAME" \
	"$T/nm.jsonl" "$T/nm.ready" >"$T/listener.log" 2>&1 &
BG_PIDS+=($!)
wait_for 10 test -f "$T/nm.ready" || { cat "$T/listener.log"; fail "listener did not start"; }

# nm-openvpn-service's arguments, in its order (argv[0] apart).
d=$T/pki
NM_ARGS=(--remote "$UL4_S" 1194 udp --explicit-exit-notify --nobind --dev tun
	--auth-nocache --reneg-sec 0 --verb 2 --script-security 2
	--up "$HELPER --debug 4 $$ --bus-name $BUS_NAME --tun --" --up-restart
	--persist-key --persist-tun --management "$T/mgmt.sock" unix
	--management-client-user root --management-client-group root
	--management-query-passwords --auth-retry interact
	--route-noexec --ifconfig-noexec
	--client --ca "$d/ca.crt" --cert "$d/client.crt" --key "$d/client.key"
	--user nobody --group nogroup --chroot "$T/chroot")

# run_nm BINARY LOG: the client in its namespace, /run/dbus our bus.
run_nm() {
	[ -d /run/dbus ] || mkdir -p /run/dbus
	ip netns exec "$NS_C" unshare -m sh -c \
		'mount --bind "$1" /run/dbus && shift && exec "$@"' sh \
		"$T/dbus" "$1" "${NM_ARGS[@]}" >"$2" 2>&1 &
	CLI_PID=$!
}

reported() { [ "$(grep -c '"method": "SetIp[46]Config"' "$T/nm.jsonl" 2>/dev/null)" = 2 ]; }

# the report, one line per method, sorted; the ephemeral parts as words
canon() { sort "$1" | sed 's/"tundev": "tun[0-9]*"/"tundev": "TUN"/'; }

run_nm "$OPENVPN" "$T/openvpn-client.log"
wait_for 30 reported || { cat "$T/openvpn-client.log" "$T/nm.jsonl"; fail "openvpn: no report from the helper"; }
stop_pid "$CLI_PID"
CLI_PID=
mv "$T/nm.jsonl" "$T/nm-openvpn.jsonl"
wait_for 10 sh -c "! ip netns exec $NS_C ip link show tun0" || fail "openvpn's tun0 stayed"

run_nm "$DCOVPN" "$T/client.log"
wait_for 30 reported || { cat "$T/nm.jsonl" 2>/dev/null; fail "dcovpn: no report from the helper"; }
log "openvpn: $(canon "$T/nm-openvpn.jsonl")"
log "dcovpn:  $(canon "$T/nm.jsonl")"
diff <(canon "$T/nm-openvpn.jsonl") <(canon "$T/nm.jsonl") ||
	fail "the helper reported differently for dcovpn and openvpn"
grep -q '"routes": \[\["198.19.70.0", 24, "198.19.64.1", 0\]\]' "$T/nm.jsonl" ||
	fail "pushed route missing from the report"
grep -q 'fd00:66::' "$T/nm.jsonl" || fail "pushed IPv6 route missing from the report"
grep -q '"method": "SetFailure"' "$T/nm.jsonl" && fail "the helper reported a failure"

# dcovpn configured nothing: no address, no route, link down.
# (--verb 2 hides "Initialization Sequence Completed"; the chroot comes
# right after it)
chrooted() { [ "$(readlink "/proc/$CLI_PID/root")" = "$T/chroot" ]; }
wait_for 20 chrooted || fail "dcovpn did not chroot to $T/chroot"
tun=$(in_c ip -o link show | awk -F': ' '$2 ~ /^tun/ { print $2; exit }')
[ -n "$tun" ] || fail "no tun device"
[ -z "$(in_c ip -o addr show dev "$tun")" ] || fail "dcovpn set addresses: $(in_c ip -o addr show dev "$tun")"
[ -z "$(in_c ip route show dev "$tun")" ] || fail "dcovpn set routes"
[ -z "$(in_c ip -6 route show dev "$tun")" ] || fail "dcovpn set IPv6 routes"
in_c ip -o link show dev "$tun" | grep -q ',UP' && fail "dcovpn brought the link up"

# NetworkManager's part, from the report; then the tunnel carries pings.
ip4=$(grep -o '"address": "[0-9.]*"' "$T/nm.jsonl" | head -n1 | cut -d'"' -f4)
mtu=$(grep -o '"mtu": [0-9]*' "$T/nm.jsonl" | head -n1 | awk '{ print $2 }')
[ -n "$ip4" ] && [ -n "$mtu" ] || fail "no address or MTU reported"
in_c ip addr add "$ip4/24" dev "$tun"
in_c ip link set dev "$tun" mtu "$mtu" up
in_c ip route add 198.19.70.0/24 via "$TUN4_S" dev "$tun"
wait_for 10 in_c ping -c1 -W1 "$TUN4_S" || fail "no ping through the tunnel NetworkManager-style"

# management-client-group root: a peer with another group is turned away
in_c timeout 5 setpriv --regid nogroup --clear-groups $PY - "$T/mgmt.sock" <<'X' >"$T/mgmt.out" 2>&1 || true
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(3); s.connect(sys.argv[1])
print("got:", s.recv(200))
X
grep -q "got: b''" "$T/mgmt.out" || fail "group nogroup peer was not turned away: $(cat "$T/mgmt.out")"
grep -q "GID of socket peer (65534) doesn't match" "$T/client.log" || fail "no rejection logged"
in_c timeout 5 $PY - "$T/mgmt.sock" <<'X' >"$T/mgmt.out" 2>&1 || true
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(3); s.connect(sys.argv[1])
print("got:", s.recv(200))
X
grep -q "INFO:OpenVPN Management Interface" "$T/mgmt.out" || fail "root peer not greeted: $(cat "$T/mgmt.out")"
echo "PASS: $CASE"
