#!/bin/bash
# A tunnel MTU of 1500 over a 1500-byte link (OpenVPN's default tun-mtu):
# encrypted datagrams are larger than the link, so they must leave as IP
# fragments instead of being refused (UDP GSO cannot carry them). Big pings
# and a 20 MB transfer both ways get through, SHA-256 checked.
. "$(dirname "$0")/lib.sh"
ns_setup
cli_pair udp i4 --mtu 1500
in_ns a ping -c 3 -i 0.2 -W 2 -s 3000 "${TUN4[b]}" >"$T/ping.out" 2>&1 ||
	fail "3000-byte ping through an MTU-1500 tunnel: $(cat "$T/ping.out")"
xfer a b 20
xfer b a 20 5002
cli_stats a
[ "$(stat_get a total drop_tx_error)" -eq 0 ] || fail "drop_tx_error $(stat_get a total drop_tx_error)"
