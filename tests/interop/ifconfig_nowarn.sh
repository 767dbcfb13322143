#!/usr/bin/env bash
# --ifconfig sanity warning and --ifconfig-nowarn, dcovpn against openvpn
# 2.6 on the same P2P client configs (no peer answers; each is stopped once
# it sends): a netmask-like second --ifconfig address on the default net30
# topology gets OpenVPN's warning, word for word; with ifconfig-nowarn,
# or a real peer address, neither prints it. With dev tap it is the other
# way round: a peer address is warned about, a netmask is not.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
WARN="WARNING: Since you are using --dev tun with a point-to-point topology, the second argument to --ifconfig must be an IP address.  You are using something (255.255.255.0) that looks more like a netmask. (silence this warning with --ifconfig-nowarn)"
TAPWARN="WARNING: Since you are using --dev tap, the second argument to --ifconfig must be a netmask, for example something like 255.255.255.0. (silence this warning with --ifconfig-nowarn)"

# run KIND NAME IFCONFIG [extra]: the client's log in $T/NAME-KIND.log
run() {
	local kind=$1 name=$2 ifc=$3 bin=$DCOVPN log
	shift 3
	[ "$kind" = openvpn ] && bin=$OPENVPN
	log=$T/$name-$kind.log
	{ p2p_client_lines | sed "s|^ifconfig .*|ifconfig $ifc|"; echo "verb 3"; printf '%s\n' "$@"; } \
		>"$T/$name.conf"
	ip netns exec "$NS_C" "$bin" --config "$T/$name.conf" >"$log" 2>&1 &
	CLI_PID=$!
	# openvpn ends at once on a tap whose "netmask" is an address
	wait_for 10 grep -qE "link remote|Exiting due to fatal error" "$log" ||
		fail "$kind $name: did not start"
	stop_pid "$CLI_PID"
	CLI_PID=''
}

for kind in openvpn dcovpn; do
	run "$kind" mask "198.19.64.2 255.255.255.0"
	grep -qF "$WARN" "$T/mask-$kind.log" || fail "$kind: no warning: $(cat "$T/mask-$kind.log")"
	run "$kind" nowarn "198.19.64.2 255.255.255.0" ifconfig-nowarn
	run "$kind" peer "198.19.64.2 198.19.64.1"
	for name in nowarn peer; do
		! grep -q "second argument to --ifconfig" "$T/$name-$kind.log" ||
			fail "$kind $name: warned"
	done
	log "$kind: warned for the netmask, not with ifconfig-nowarn nor for a peer address"
	# dev tap: the other way round, a netmask is right and an address warned
	run "$kind" tapaddr "198.19.64.2 198.19.64.1" "dev tap"
	grep -qF "$TAPWARN" "$T/tapaddr-$kind.log" || fail "$kind: no tap warning: $(cat "$T/tapaddr-$kind.log")"
	run "$kind" tapmask "198.19.64.2 255.255.255.0" "dev tap"
	! grep -q "second argument to --ifconfig" "$T/tapmask-$kind.log" ||
		fail "$kind tapmask: warned"
	log "$kind: dev tap warned for a peer address, not for a netmask"
done
echo "PASS: $CASE"
