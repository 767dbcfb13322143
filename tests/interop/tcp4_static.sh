#!/usr/bin/env bash
# Static key mode over TCP: openvpn 2.6 "proto tcp-server" with --secret
# (direction 0), dcovpn "proto tcp-client" with --remote (direction 1),
# AES-256-CBC + default SHA1, length-framed packets without opcodes.
# Pings both ways, a transfer each way (SHA-256 checked).
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
c4=198.19.64.2
static_conf "$T/server.conf" 0 "$TUN4_S" "$c4" "proto tcp-server" "port 1194" \
	"cipher AES-256-CBC" disable-dco
static_conf "$T/client.conf" 1 "$c4" "$TUN4_S" "proto tcp-client" \
	"remote $UL4_S 1194" "cipher AES-256-CBC"
ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
SRV_PID=$!
wait_for 10 grep -q "Listening for incoming TCP connection" "$T/server.log" ||
	fail "openvpn did not listen"
start_client
wait_for 20 grep -q "Initialization Sequence Completed" "$T/server.log" ||
	fail "openvpn did not complete initialization"
grep -q "Static key mode: cipher 'AES-256-CBC', auth 'SHA1', key direction 1" \
	"$T/client.log" || fail "dcovpn did not log its static key setup"
wait_for 15 in_c ping -c1 -W1 "$TUN4_S" || fail "dcovpn side -> openvpn side ping"
in_s ping -c3 -i0.2 -W2 "$c4" >/dev/null || fail "openvpn side -> dcovpn side ping"
transfer "${MB:-10}" up
transfer "${MB:-10}" down
echo "PASS: $CASE"
