#!/bin/bash
# IPv6 inside the tunnel (--ipv6), over UDP/IPv4.
. "$(dirname "$0")/lib.sh"
ns_setup
key_gen "$T/key"
cli_up a udp i4 "$T/key" 0 --ipv6 "${TUN6[a]}/64"
cli_up b udp i4 "$T/key" 1 --ipv6 "${TUN6[b]}/64"
tunnel_wait
wait_for 10 in_ns a ping -6 -c1 -W1 "${TUN6[b]}" || fail "no IPv6 ping through the tunnel"
ping_both 5 -6
ping_both 2
