#!/bin/bash
# UDP over IPv6 transport, with a non-default peer-id, device name and MTU:
# pings both ways; the MTU is what was asked for and full-size packets pass.
. "$(dirname "$0")/lib.sh"
ns_setup
cli_pair udp i6 --peer-id 7 --dev dcotest0 --mtu 1300
ping_both 5
in_ns a ip link show dcotest0 | grep "mtu 1300 " >/dev/null || fail "dcotest0 has not MTU 1300: $(in_ns a ip link show dcotest0)"
in_ns a ping -c 2 -W 2 -M do -s $((1300 - 28)) "${TUN4[b]}" >/dev/null || fail "a full-size (1300) packet did not pass"
if in_ns a ping -c 1 -W 1 -M do -s $((1300 - 27)) "${TUN4[b]}" >/dev/null 2>&1; then
	fail "a 1301-byte packet with DF passed a 1300 MTU"
fi
cli_stats b
[ "$(stat_get b peer7 tun_tx_packets)" -ge 5 ] || fail "no traffic counted for peer 7"
