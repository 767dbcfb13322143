# Shared by tx_order.sh and tx_order_server.sh: several UDP flows at once
# towards one peer, then its openvpn's replay check and the dcovpn
# engine's hand-off counts.

# flows_to NS ADDR PORT: FLOWS flows (udpflows.py), 3 rounds of COUNT
# datagrams of SIZE bytes (default 1200; 8 s each at most) from namespace
# NS to ADDR.
flows_to() {
	local ns=$1 addr=$2 port=$3 round sent
	for round in 1 2 3; do
		sent=$(timeout 30 ip netns exec "$ns" python3 "$LIB_DIR/udpflows.py" send \
			"$addr" "$port" "$FLOWS" "$COUNT" "${SIZE:-1200}" 8) || fail "udpflows.py to $addr failed"
		log "to $addr, round $round: $sent datagrams in $FLOWS flows"
	done
}

# no_bad_ids OPENVPN_LOG WHO: openvpn logged no replay-check failure.
no_bad_ids() {
	local bad
	bad=$(grep -c "bad packet ID" "$1" || true)
	[ "$bad" -eq 0 ] || fail "$2 (replay-window $WINDOW) logged $bad bad packet IDs"
	log "$2 (replay-window $WINDOW): no bad packet ID"
}

# handed_to_home DCOVPN_LOG: after dcovpn exited, its engine threads'
# lines show packets handed to the peer's thread to send (else the flows
# all stayed on one thread and this run proved nothing).
handed_to_home() {
	local n
	grep "engine thread" "$1" | sed 's/^/# /'
	n=$(sed -n 's/.*engine thread .* to send \([0-9]*\) .*/\1/p' "$1" |
		awk '{ s += $1 } END { print s + 0 }')
	[ "$n" -gt 0 ] || fail "no packet was handed to its peer's thread to send"
}
