#!/bin/bash
# UDP datagrams through the tunnel, IPv4 and IPv6 inside: every one that
# arrives is intact. Where the tun takes USO (Linux 6.2+) the receiving end
# merges runs of equal-sized datagrams into one tun write; the kernel must
# cut them back exactly (checked here by content and by the write count).
. "$(dirname "$0")/lib.sh"
ns_setup
key_gen "$T/key"
cli_up a udp i4 "$T/key" 0 --ipv6 "${TUN6[a]}/64"
cli_up b udp i4 "$T/key" 1 --ipv6 "${TUN6[b]}/64"
tunnel_wait
wait_for 10 in_ns a ping -6 -c1 -W1 "${TUN6[b]}" || fail "no IPv6 ping through the tunnel"

N=3000
burst() { # burst ADDR PORT: N datagrams a -> b, all intact, nearly all there
	local addr=$1 port=$2 rpid got corrupt
	in_ns b timeout 90 $PY "$LIB_DIR/udpburst.py" recv "$addr" "$port" $N \
		>"$T/burst.out" 2>"$T/burst.log" &
	rpid=$!
	BG_PIDS+=("$rpid")
	wait_for 10 sh -c "ip netns exec $(ns_of b) ss -uln | grep ':$port ' >/dev/null" ||
		fail "receiver did not bind $addr:$port"
	in_ns a timeout 60 $PY "$LIB_DIR/udpburst.py" send "$addr" "$port" $N ||
		fail "sender failed"
	wait "$rpid" || fail "receiver failed: $(cat "$T/burst.log")"
	read -r got corrupt <"$T/burst.out"
	log "$addr: $got of $N datagrams arrived, $corrupt corrupt"
	[ "$corrupt" = 0 ] || fail "$corrupt datagrams arrived corrupt"
	[ "$got" -ge $((N * 95 / 100)) ] || fail "only $got of $N datagrams arrived"
}

tun_name() { sed -n 's/.*\b\(dco[0-9]*\): mtu .*/\1/p' "$T/$1.log" | head -n1; }
writes() { in_ns b cat "/sys/class/net/$(tun_name b)/statistics/rx_packets"; }
w0=$(writes)
burst "${TUN4[b]}" 6001
burst "${TUN6[b]}" 6002
w1=$(writes)
log "tun writes at b for $((2 * N)) datagrams: $((w1 - w0))"
if grep -q "USO both ways" "$T/b.log"; then
	[ $((w1 - w0)) -lt $((2 * N * 3 / 4)) ] ||
		fail "USO on, yet $((w1 - w0)) tun writes for $((2 * N)) datagrams: no coalescing"
else
	log "this kernel's tun has no USO: no coalescing to check"
fi
ping_both 2
