#!/bin/bash
# Load from every side at once: four transfers in each direction at the same
# time (eight flows: super-packets and plain ACKs interleaved in every
# batch), over UDP and over TCP transport, each SHA-256 checked, both tunnel
# ends alive at the end. Under SAN=address,undefined this is where
# buffer-bound mistakes in the batching code show up.
. "$(dirname "$0")/lib.sh"
ns_setup

MB=${MB:-24}
head -c "$((MB * 1024 * 1024))" /dev/urandom >"$T/blob"
SENT=$(sha256sum "$T/blob" | cut -d' ' -f1)

# one flow: receiver in @to, sender in @from, result in $T/flow-@port
flow() {
	local from=$1 to=$2 port=$3
	in_ns "$to" timeout 120 $PY "$LIB_DIR/xfer.py" recv "${TUN4[$to]}" "$port" \
		>"$T/flow-$port" 2>&1 &
	local rpid=$!
	in_ns "$from" timeout 120 $PY "$LIB_DIR/xfer.py" send "${TUN4[$to]}" \
		"$port" "$T/blob" >>"$T/flow-$port.send" 2>&1 || return 1
	wait "$rpid"
}

parallel_flows() {
	local pids=() ports=() i port
	for i in 1 2 3 4; do
		flow a b $((5100 + i)) & pids+=($!); ports+=($((5100 + i)))
		flow b a $((5200 + i)) & pids+=($!); ports+=($((5200 + i)))
	done
	for i in "${!pids[@]}"; do
		port=${ports[$i]}
		wait "${pids[$i]}" ||
			fail "flow on port $port failed: $(cat "$T/flow-$port"*)"
		[ "$(cut -d' ' -f2 "$T/flow-$port")" = "$SENT" ] ||
			fail "flow on port $port: SHA-256 differs: $(cat "$T/flow-$port")"
	done
	log "8 parallel flows of $MB MB, all SHA-256 $SENT"
}

for tr in udp tcp; do
	cli_pair "$tr" i4
	parallel_flows
	cli_alive a && cli_alive b || fail "$tr: a tunnel end died under load"
	cli_stop a
	cli_stop b
	log "$tr transport: both ends alive and clean after the load"
done
