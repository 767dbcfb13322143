#!/bin/bash
# Different keys on the two ends: nothing is carried, and the receiver's
# decrypt-failure counter rises. Then the same key with the same direction on
# both ends (each decrypts with the key the other does not send with): the same.
. "$(dirname "$0")/lib.sh"
ns_setup
key_gen "$T/key1"
key_gen "$T/key2"

check_nothing_carried() {
	cli_wait_up a b
	cli_alive a && cli_alive b || fail "a cli exited"
	if in_ns a ping -c5 -i0.2 -W1 "${TUN4[b]}" >/dev/null; then
		fail "ping went through with mismatched keys ($1)"
	fi
	cli_stats b
	local dec tx
	dec=$(stat_get b peer0 drop_decrypt)
	tx=$(stat_get b peer0 tun_tx_packets)
	log "$1: b drop_decrypt $dec, tun_tx_packets $tx"
	[ "$tx" -eq 0 ] || fail "$1: b wrote $tx packets to its tun"
	[ "$dec" -ge 5 ] || fail "$1: b counted $dec decrypt failures, want >= 5"
}

cli_up a udp i4 "$T/key1" 0
cli_up b udp i4 "$T/key2" 1
check_nothing_carried "different keys"
cli_stop a
cli_stop b
cli_up a udp i4 "$T/key1" 0
cli_up b udp i4 "$T/key1" 0
check_nothing_carried "same direction"
