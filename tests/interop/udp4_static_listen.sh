#!/usr/bin/env bash
# Static key mode serving an old-style peer: dcovpn without --remote (it
# waits on port 1194; the first peer whose packets authenticate becomes
# the remote, logged as "Peer Connection from"), openvpn 2.6 with --remote
# and the same key file, AES-128-CBC + default auth SHA1. Pings both
# ways, a transfer each way; a stranger's datagrams before and after do
# not move the peer.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
c4=198.19.64.2
static_conf "$T/server.conf" 0 "$TUN4_S" "$c4" "port 1194" "cipher AES-128-CBC"
static_conf "$T/client.conf" 1 "$c4" "$TUN4_S" nobind "remote $UL4_S 1194" \
	"cipher AES-128-CBC" disable-dco
ip netns exec "$NS_S" "$DCOVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
SRV_PID=$!
wait_for 15 grep -q "waiting for the peer's first authentic packet" "$T/server.log" ||
	fail "dcovpn did not start"
# a stranger first: junk from another port must not become the peer
in_c python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'x'*100, ('$UL4_S', 1194)) for _ in range(5)]"
ip netns exec "$NS_C" "$OPENVPN" --config "$T/client.conf" >"$T/client.log" 2>&1 &
CLI_PID=$!
wait_for 20 grep -q "Initialization Sequence Completed" "$T/client.log" ||
	fail "openvpn did not complete initialization"
wait_for 15 in_c ping -c1 -W1 "$TUN4_S" || fail "openvpn side -> dcovpn side ping"
grep -q "Peer Connection from \[AF_INET\]$UL4_C:" "$T/server.log" ||
	fail "dcovpn did not take the openvpn peer's address"
in_s ping -c3 -i0.2 -W2 "$c4" >/dev/null || fail "dcovpn side -> openvpn side ping"
transfer "${MB:-10}" up
transfer "${MB:-10}" down
in_c python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'y'*100, ('$UL4_S', 1194)) for _ in range(5)]"
in_s ping -c3 -i0.2 -W2 "$c4" >/dev/null || fail "ping after a stranger's datagrams"
echo "PASS: $CASE"
