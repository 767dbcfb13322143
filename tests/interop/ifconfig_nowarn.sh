#!/usr/bin/env bash
# --ifconfig sanity warning and --ifconfig-nowarn, dcovpn against openvpn
# 2.6 on the same P2P client configs (no peer answers; each is stopped once
# it sends): a netmask-like second --ifconfig address on the default net30
# topology gets OpenVPN's warning, word for word; with ifconfig-nowarn,
# or a real peer address, neither prints it. With dev tap it is the other
# way round: a peer address is warned about, a netmask is not. The clash
# warnings: --remote in the /24 of the --ifconfig pair, --local (a name in
# the namespace's hosts file) equal to the local --ifconfig address, a
# tap's --remote inside its subnet; none with ifconfig-nowarn.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
ns_hosts "$NS_C" "127.0.0.1 localhost" "198.18.64.2 vpnclient"
NEAR="WARNING: potential conflict between --remote address [198.18.64.1] and --ifconfig address pair [198.18.64.7, 198.18.64.8] -- this is a warning only that is triggered when local/remote addresses exist within the same /24 subnet as --ifconfig endpoints. (silence this warning with --ifconfig-nowarn)"
LOCAL="WARNING: --local address [198.18.64.2] conflicts with --ifconfig address pair [198.18.64.2, 198.19.64.1]. (silence this warning with --ifconfig-nowarn)"
LOCAL24="WARNING: potential conflict between --local address [198.18.64.2] and --ifconfig address pair [198.18.64.2, 198.19.64.1] -- this is a warning only that is triggered when local/remote addresses exist within the same /24 subnet as --ifconfig endpoints. (silence this warning with --ifconfig-nowarn)"
TAPNET="WARNING: --remote address [198.18.64.1] conflicts with --ifconfig subnet [198.18.64.7, 255.255.255.0] -- local and remote addresses cannot be inside of the --ifconfig subnet. (silence this warning with --ifconfig-nowarn)"
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

# has NAME KIND LINE: the log has LINE, word for word
has() {
	grep -qF "$3" "$T/$1-$2.log" || fail "$2 $1: no '$3': $(cat "$T/$1-$2.log")"
}

clashes() {
	local kind=$1 name
	run "$kind" near "198.18.64.7 198.18.64.8"
	has near "$kind" "$NEAR"
	run "$kind" local "198.18.64.2 $TUN4_S" "local vpnclient"
	has local "$kind" "$LOCAL"
	has local "$kind" "$LOCAL24"
	run "$kind" tapnet "198.18.64.7 255.255.255.0" "dev tap"
	has tapnet "$kind" "$TAPNET"
	run "$kind" nearq "198.18.64.7 198.18.64.8" ifconfig-nowarn
	run "$kind" localq "198.18.64.2 $TUN4_S" "local vpnclient" ifconfig-nowarn
	run "$kind" tapq "198.18.64.7 255.255.255.0" "dev tap" ifconfig-nowarn
	for name in nearq localq tapq peer; do
		! grep -q "conflict" "$T/$name-$kind.log" || fail "$kind $name: warned"
	done
	log "$kind: --local/--remote clash warnings as openvpn's, none with ifconfig-nowarn"
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
	clashes "$kind"
done
echo "PASS: $CASE"
