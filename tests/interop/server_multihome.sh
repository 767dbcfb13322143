#!/usr/bin/env bash
# --multihome: a UDP server on the wildcard address of a host with two
# addresses per family (198.18.66.1 and a secondary .2, fd00:66::1 and
# ::2 on its bridge), openvpn 2.6 clients talking to the secondary one,
# which the kernel does not pick as the source of a reply (checked). An openvpn client drops
# what comes from any other address ("Incoming packet rejected"), so:
#   - without --multihome neither server can be reached that way
#     (dcovpn and openvpn 2.6 alike: the client rejects the replies);
#   - with it both serve the clients: over IPv4 on a "proto udp4" socket
#     (IP_PKTINFO), over IPv6 and IPv4 (v4-mapped) on a dual-stack
#     "proto udp6" one (IPV6_PKTINFO). The clients ping through the
#     tunnel, take a transfer from the server (the engine's GSO trains)
#     and reject nothing: the handshake, the cookie and every data
#     packet came from the address they talk to; one client moves to
#     another address of its own (a float) and is still answered from
#     the address it talks to.
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
in_s ip addr add 198.18.66.2/24 dev "$BR"
# IPv6 has no secondary addresses: the kernel prefers the newest of equals
# as a source, so ::1 goes back on after ::2 to stay the route's choice
in_s ip addr add fd00:66::2/64 dev "$BR" nodad
in_s ip addr del "$UL6_S/64" dev "$BR"
in_s ip addr add "$UL6_S/64" dev "$BR" nodad

# alt FAMILY CLIENT_ADDR: the server's address a reply to CLIENT_ADDR
# would NOT come from (the route's source is the other one)
alt() {
	local src
	src=$(in_s ip "-$1" route get "$2" | sed -n 's/.* src \([^ ]*\).*/\1/p')
	case $src in
	198.18.66.1) echo 198.18.66.2 ;;
	198.18.66.2) echo 198.18.66.1 ;;
	fd00:66::1) echo fd00:66::2 ;;
	fd00:66::2) echo fd00:66::1 ;;
	*) fail "route to $2: unexpected source '$src'" ;;
	esac
}
ALT4=$(alt 4 198.18.66.11)
ALT6=$(alt 6 fd00:66::11)
[ "$ALT4" = 198.18.66.2 ] && [ "$ALT6" = fd00:66::2 ] ||
	fail "the kernel picks the secondary addresses as sources ($ALT4 $ALT6)"
log "clients talk to $ALT4 and $ALT6 (not the route's source)"
for a in "$ALT4" "$ALT6"; do
	wait_for 10 in_c 1 ping -c1 -W1 "$a" || fail "underlay: $a unreachable"
done

# conf SOCKET(udp4|udp6) MULTIHOME(0|1): the server config; clients c1
# (IPv6 with udp6, else IPv4) and c2 (IPv4) to the ALT addresses
conf() {
	server_conf udp crypt $([ "$2" = 1 ] && echo multihome)
	sed -i "s/^proto udp4$/proto $1/" "$T/server.conf"
	client_conf 1 udp crypt disable-dco
	client_conf 2 udp crypt disable-dco
	if [ "$1" = udp6 ]; then
		sed -i -e "s/^remote .*/remote $ALT6 1194/" -e "s/^proto udp$/proto udp6/" "$T/c1.conf"
	else
		sed -i "s/^remote .*/remote $ALT4 1194/" "$T/c1.conf"
	fi
	sed -i "s/^remote .*/remote $ALT4 1194/" "$T/c2.conf"
}

stop_all() {
	local i
	for i in 1 2; do
		stop_pid "${CLI_PIDS[$i]:-}"
		CLI_PIDS[$i]=
		in_c "$i" ip link del tun0 2>/dev/null || true
	done
	stop_pid "$SRV_PID"
	SRV_PID=
}

# serve KIND(dcovpn|openvpn): start that server on $T/server.conf
serve() {
	if [ "$1" = openvpn ]; then start_openvpn_server; else start_server; fi
}

rejected() { grep -q "Incoming packet rejected from" "${CLI_LOG[$1]}"; }

# works KIND SOCKET: with --multihome both clients connect, ping, take a
# transfer, and never saw a packet from the other address
works() {
	local kind=$1 sock=$2 i
	conf "$sock" 1
	serve "$kind"
	for i in 1 2; do start_client "$i" openvpn; done
	for i in 1 2; do wait_client "$i"; done
	for i in 1 2; do
		wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "$kind $sock: c$i ping"
		wait_for 10 in_c "$i" ping -6 -c1 -W1 "$TUN6_S" || fail "$kind $sock: c$i IPv6 ping"
	done
	xfer_down 1 4 6101 || fail "$kind $sock: transfer to c1"
	xfer_down 2 4 6102 || fail "$kind $sock: transfer to c2"
	# c2 moves to another address of its own (a float): the server
	# follows it and still answers from $ALT4
	in_c 2 sysctl -qw "net.ipv4.conf.sv$$c2.promote_secondaries=1"
	in_c 2 ip addr add 198.18.66.112/24 dev "sv$$c2"
	in_c 2 ip addr del 198.18.66.12/24 dev "sv$$c2"
	wait_for 15 in_c 2 ping -c1 -W1 "$TUN4_S" || fail "$kind $sock: c2 ping after its float"
	for i in 1 2; do
		! rejected "$i" || fail "$kind $sock: c$i rejected packets: $(grep -m1 'Incoming packet rejected' "${CLI_LOG[$i]}")"
	done
	[ "$sock" = udp4 ] ||
		grep -q "\[AF_INET6\]$ALT6" "${CLI_LOG[1]}" || fail "$kind $sock: c1 did not use IPv6"
	log "$kind $sock multihome: c1 and c2 up through $([ "$sock" = udp6 ] && echo "$ALT6 and ")$ALT4, pings and 2 x 4 MB down, c2 floated, nothing rejected"
	stop_all
	in_c 2 ip addr add 198.18.66.12/24 dev "sv$$c2"
	in_c 2 ip addr del 198.18.66.112/24 dev "sv$$c2"
}

# fails KIND SOCKET: without --multihome the clients reject the replies
# (from the route's address) and never connect
fails() {
	local kind=$1 sock=$2 i
	conf "$sock" 0
	serve "$kind"
	for i in 1 2; do start_client "$i" openvpn; done
	for i in 1 2; do
		wait_for 20 rejected "$i" || fail "$kind $sock without multihome: c$i saw no rejected reply"
	done
	for i in 1 2; do
		! grep -q "Initialization Sequence Completed" "${CLI_LOG[$i]}" ||
			fail "$kind $sock without multihome: c$i connected"
	done
	log "$kind $sock without multihome: $(grep -m1 -o 'Incoming packet rejected from [^,]*' "${CLI_LOG[1]}")"
	stop_all
}

for sock in udp6 udp4; do
	fails dcovpn "$sock"
	fails openvpn "$sock"
	works openvpn "$sock"
	works dcovpn "$sock"
done
echo "PASS: $CASE"
