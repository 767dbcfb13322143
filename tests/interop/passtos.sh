#!/usr/bin/env bash
# --passtos: the outer packets of the tunnel carry the inner packet's TOS.
# Pings with TOS 0xb8 (ping -Q) through the tunnel while tos_capture.py
# counts the tunnel's data packets on the server's veth by TOS, both ways.
# Compared with openvpn 2.6 on the same configs, as client and as server:
#   udp4/tcp4, both ends with passtos: 0xb8 on the client's data packets
#     (dcovpn's as openvpn's) and on the server's replies (Linux answers
#     with the request's TOS);
#   no passtos: no 0xb8 outside, either implementation;
#   a dcovpn server with passtos: 0xb8 on its data packets;
#   where dcovpn goes further (OpenVPN 2.6 copies only an IPv4 TOS, onto an
#   IPv4 outer packet): an IPv6 ping's traffic class over udp4, an IPv4
#   ping's TOS over udp6: dcovpn carries it, openvpn's count is logged.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
CAP=$LIB_DIR/tos_capture.py

# measure LABEL SRV_BIN CLI_BIN PROTO FAM SRV_PASSTOS(0|1) CLI_PASSTOS PING(4|6)
# sets TO (client's data packets with TOS 0xb8) and FROM (the server's)
measure() {
	local label=$1 sbin=$2 cbin=$3 proto=$4 fam=$5 sp=$6 cp=$7 pfam=$8
	local s_extra=() c_extra=() dst=$TUN4_S cap_pid out
	[ "$sp" = 1 ] && s_extra=(passtos)
	[ "$cp" = 1 ] && c_extra=(passtos)
	[ "$pfam" = 6 ] && dst=$TUN6_S
	server_conf "$proto" "$fam" none "${s_extra[@]}"
	client_conf "$proto" "$fam" none "${c_extra[@]}"
	start_pair "$sbin" "$cbin" "$label"
	wait_for 15 in_c ping "-$pfam" -c1 -W1 "$dst" || fail "$label: no ping through the tunnel"
	rm -f "$T/cap.ready"
	ip netns exec "$NS_S" python3 "$CAP" "$VETH_S" 1194 "$T/cap.ready" >"$T/cap.out" 2>"$T/cap.err" &
	cap_pid=$!
	BG_PIDS+=("$cap_pid")
	wait_for 10 test -e "$T/cap.ready" || { cat "$T/cap.err"; fail "$label: capture did not start"; }
	in_c ping "-$pfam" -c5 -i0.2 -W2 -Q 0xb8 "$dst" >/dev/null || fail "$label: TOS pings lost"
	kill -TERM "$cap_pid"
	wait "$cap_pid" || { rc=$?; cat "$T/cap.err"; fail "$label: capture failed ($rc)"; }
	out=$(cat "$T/cap.out")
	TO=$(awk '$1 == "to" && $2 == "0xb8" { print $3 }' <<<"$out")
	FROM=$(awk '$1 == "from" && $2 == "0xb8" { print $3 }' <<<"$out")
	TO=${TO:-0}
	FROM=${FROM:-0}
	log "$label: 0xb8 data packets client->server $TO, server->client $FROM (all: $(tr '\n' ' ' <<<"$out"))"
	stop_pid "$CLI_PID"
	stop_pid "$SRV_PID"
	CLI_PID= SRV_PID=
}

# expect LABEL VALUE OP N
expect() {
	[ "$2" "$3" "$4" ] || fail "$1: $2, want $3 $4"
}

for who in dcovpn openvpn; do
	bin=$DCOVPN
	[ $who = openvpn ] && bin=$OPENVPN
	measure "udp4 $who client, both passtos" "$OPENVPN" "$bin" udp 4 1 1 4
	expect "udp4 $who client with passtos" "$TO" -ge 5
	expect "udp4 openvpn server with passtos" "$FROM" -ge 5
	measure "udp4 $who client, no passtos" "$OPENVPN" "$bin" udp 4 0 0 4
	expect "udp4 $who client without passtos" "$TO" -eq 0
	expect "udp4 openvpn server without passtos" "$FROM" -eq 0
	measure "tcp4 $who client, both passtos" "$OPENVPN" "$bin" tcp 4 1 1 4
	expect "tcp4 $who client with passtos" "$TO" -ge 3
	measure "tcp4 $who client, no passtos" "$OPENVPN" "$bin" tcp 4 0 0 4
	expect "tcp4 $who client without passtos" "$TO" -eq 0
done
measure "udp4 dcovpn server with passtos, openvpn client" "$DCOVPN" "$OPENVPN" udp 4 1 0 4
expect "udp4 dcovpn server with passtos" "$FROM" -ge 5
expect "udp4 openvpn client without passtos" "$TO" -eq 0
measure "udp4 dcovpn server without passtos" "$DCOVPN" "$OPENVPN" udp 4 0 0 4
expect "udp4 dcovpn server without passtos" "$FROM" -eq 0

# beyond OpenVPN 2.6: dcovpn's counts asserted, openvpn's logged
measure "IPv6 ping over udp4, dcovpn client" "$OPENVPN" "$DCOVPN" udp 4 0 1 6
expect "IPv6 ping over udp4, dcovpn client" "$TO" -ge 5
measure "IPv6 ping over udp4, openvpn client (not asserted)" "$OPENVPN" "$OPENVPN" udp 4 0 1 6
measure "IPv4 ping over udp6, dcovpn client" "$OPENVPN" "$DCOVPN" udp 6 0 1 4
expect "IPv4 ping over udp6, dcovpn client" "$TO" -ge 5
measure "IPv4 ping over udp6, openvpn client (not asserted)" "$OPENVPN" "$OPENVPN" udp 6 0 1 4
echo "PASS: $CASE"
