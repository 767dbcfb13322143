#!/usr/bin/env bash
# NetworkManager's openvpn plugin end to end, its own code building the
# command line: nm-openvpn-service (network-manager-openvpn 1.10.2, as
# Debian ships it) on a private system bus is asked to Connect a TLS
# connection, the way NetworkManager asks (nm_connect.py); it starts
# /usr/sbin/openvpn with its arguments, talks to its management socket
# (management-client-user/group root) and gets the tunnel's configuration
# from its up helper. Run once as shipped (openvpn 2.6) and once with
# dcovpn bind-mounted over /usr/sbin/openvpn (in a mount namespace of the
# client only): the configurations the service announces must be equal.
. "$(dirname "$0")/lib.sh"
# the package unpacked by scripts/install-deps.sh is laid over /usr/lib in
# the mount namespace, where the service expects its helper
NMROOT=/var/cache/dcovpn/nm-openvpn
[ -x /usr/lib/NetworkManager/nm-openvpn-service ] && NMROOT=
SERVICE=/usr/lib/NetworkManager/nm-openvpn-service
[ -x "$NMROOT$SERVICE" ] || fail "nm-openvpn-service missing (scripts/install-deps.sh unpacks it)"
PY=/usr/bin/python3
BUS_NAME=org.freedesktop.NetworkManager.openvpn.Connection_9

ns_setup
pki_make
server_conf udp 4 none 'push "route 198.19.70.0 255.255.255.0"' \
	'push "dhcp-option DNS 198.19.64.1"'
start_server
chmod 755 "$T"
mkdir -p "$T/dbus" "$T/chroot/tmp"
chown nobody:nogroup "$T/chroot" "$T/chroot/tmp"	# as the package's own
start_private_bus

# run_service BINARY: the service in the client's namespaces, with BINARY
# as /usr/sbin/openvpn and a private /run holding our bus
run_service() {
	ip netns exec "$NS_C" unshare -m sh -c '
		mount -t tmpfs tmpfs /run && mkdir /run/dbus &&
		mount --bind "$1/dbus" /run/dbus &&
		{ [ -z "$5" ] || mount -t overlay overlay \
			-o lowerdir="$5/usr/lib:/usr/lib" /usr/lib; } &&
		{ [ "$2" = /usr/sbin/openvpn ] || mount --bind "$2" /usr/sbin/openvpn; } &&
		exec env NM_OPENVPN_USER=nobody NM_OPENVPN_GROUP=nogroup \
			NM_OPENVPN_CHROOT="$1/chroot" NM_VPN_LOG_SYSLOG=0 NM_VPN_LOG_LEVEL=4 \
			"$3" --persist --bus-name "$4"' sh "$T" "$1" "$SERVICE" "$BUS_NAME" "$NMROOT" \
		>"$T/service.log" 2>&1 &
	SRV2_PID=$!
	BG_PIDS+=("$SRV2_PID")
}

# While the tunnel is up: the service's child is WHO, chrooted and running
# as nobody as the line asks, and no management connection was turned away.
cat >"$T/check.sh" <<'X'
#!/bin/sh
child=$(ps --ppid "$2" -o pid= | head -n1 | tr -d ' ')
[ -n "$child" ] || { echo "no process under the service"; exit 1; }
cmp -s "/proc/$child/exe" "$3" || { echo "the service's child is not $3"; exit 1; }
[ "$(readlink "/proc/$child/root")" = "$1/chroot" ] || { echo "not chrooted"; exit 1; }
[ "$(stat -c %U "/proc/$child")" = nobody ] || { echo "not running as nobody"; exit 1; }
! grep -q 'connection rejected' "$1/service.log" || { echo "management refused"; exit 1; }
X
chmod +x "$T/check.sh"

connect() { # WHO BINARY
	rm -f "$T/nm.jsonl"
	ip netns exec "$NS_C" timeout 60 $PY "$LIB_DIR/nm_connect.py" \
		"unix:path=$T/dbus/system_bus_socket" "$BUS_NAME" "$T/nm.jsonl" \
		"$UL4_S" "$T/pki/ca.crt" "$T/pki/client.crt" "$T/pki/client.key" \
		"$T/check.sh $T $SRV2_PID $2" >"$T/connect-$1.out" 2>&1 ||
		{ cat "$T/connect-$1.out" "$T/service.log" >&2; fail "$1: no configuration from the service"; }
	sed 's/"tundev": "tun[0-9]*"/"tundev": "TUN"/' "$T/nm.jsonl" | sort >"$T/nm-$1.jsonl"
}

run_service /usr/sbin/openvpn
connect openvpn "$OPENVPN"
stop_pid "$SRV2_PID"
wait_for 10 sh -c "! ip netns exec $NS_C ip link show tun0" || fail "openvpn's tun0 stayed"
run_service "$DCOVPN"
connect dcovpn "$DCOVPN"
log "openvpn: $(cat "$T/nm-openvpn.jsonl")"
log "dcovpn:  $(cat "$T/nm-dcovpn.jsonl")"
grep -q '"routes": \[\["198.19.70.0", 24, "198.19.64.1", 0\]\]' "$T/nm-dcovpn.jsonl" ||
	fail "no pushed route in the service's Ip4Config"
diff "$T/nm-openvpn.jsonl" "$T/nm-dcovpn.jsonl" ||
	fail "the service announced a different configuration for dcovpn"
stop_pid "$SRV2_PID"
echo "PASS: $CASE"
