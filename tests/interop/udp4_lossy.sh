#!/usr/bin/env bash
# UDP/IPv4, tls-crypt, over a bad link: a relay (relay.py, in the server's
# namespace) drops 20% of the packets each way and reorders some, from the
# first packet on. The handshake must complete through retransmissions and
# transfers must arrive intact.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 crypt
client_conf udp 4 crypt
sed -i "s/^remote .*/remote $UL4_S 1195/" "$T/client.conf"
start_server
ip netns exec "$NS_S" timeout 290 python3 "$LIB_DIR/relay.py" "$UL4_S" 1195 "$UL4_S" 1194 0.2 280 &
BG_PIDS+=($!)
# With 20% loss each way a handshake packet is often lost twice or three
# times in a row (backoff 2+4+8 s); OpenVPN allows hand-window (60 s) and
# then starts over, so wait that long and a retry.
CLIENT_WAIT=110 start_client
wait_for 30 in_c ping -c1 -W1 "$TUN4_S" || fail "no ping through the lossy tunnel"
transfer "${MB:-1}" up
transfer "${MB:-1}" down
echo "PASS: $CASE"
