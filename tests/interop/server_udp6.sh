#!/usr/bin/env bash
# A dual-stack dcovpn UDP server ("proto udp6", tcp-less): an openvpn 2.6
# client over IPv6 and a dcovpn client over IPv4 at once, both ping the
# server through the tunnel and carry a transfer.
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
server_conf udp crypt "tun-mtu 1400"
sed -i 's/^proto udp4$/proto udp6/' "$T/server.conf"
client_conf 1 udp6 crypt disable-dco "tun-mtu 1400"
sed -i "s/^remote $UL4_S 1194/remote $UL6_S 1194/" "$T/c1.conf"
client_conf 2 udp crypt "tun-mtu 1400"
start_server
start_pair
for i in 1 2; do wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i ping"; done
grep -q "cli1/fd00:66::11:" "$T/server.log" || fail "c1 did not come over IPv6"
grep -q "cli2/::ffff:198.18.66.12:" "$T/server.log" || fail "c2 did not come over IPv4 (mapped)"
xfer_up 1 10 6001 || fail "transfer from c1 (IPv6)"
xfer_up 2 10 6002 || fail "transfer from c2 (IPv4)"
echo "PASS: $CASE"
