#!/usr/bin/env bash
# Static key mode (--secret, no TLS): openvpn 2.6 and dcovpn point to point
# over UDP with one key file (directions 0 and 1), cipher AES-256-CBC and
# auth SHA256, --ifconfig on both. Pings both ways, transfers both ways
# (SHA-256 checked, no datagram of dcovpn's fragmented: its MSS clamp
# counts the CBC overhead); then openvpn restarts (new packet-id time base, ids
# from 1 again) and the tunnel carries pings again; finally replayed and
# tampered copies of openvpn's packets are dropped and counted by dcovpn.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
c4=198.19.64.2
# openvpn without its own MSS clamp: dcovpn's alone must keep TCP segments
# small enough for the link
static_conf "$T/server.conf" 0 "$TUN4_S" "$c4" "port 1194" "remote $UL4_C 1194" \
	"cipher AES-256-CBC" "auth SHA256" disable-dco "mssfix 0" "${OVPN_EXTRA:-}"
static_conf "$T/client.conf" 1 "$c4" "$TUN4_S" "port 1194" "remote $UL4_S 1194" \
	"cipher AES-256-CBC" "auth SHA256" "${OVPN_EXTRA:-}"
start_openvpn_s() {
	ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >>"$T/server.log" 2>&1 &
	SRV_PID=$!
}
start_openvpn_s
ip netns exec "$NS_C" "$DCOVPN" --config "$T/client.conf" >"$T/client.log" 2>&1 &
CLI_PID=$!
wait_for 20 grep -q "Initialization Sequence Completed" "$T/client.log" ||
	fail "dcovpn did not complete initialization"
wait_for 20 grep -q "Initialization Sequence Completed" "$T/server.log" ||
	fail "openvpn did not complete initialization"
grep -q "Static key mode: cipher 'AES-256-CBC', auth 'SHA256', key direction 1" \
	"$T/client.log" || fail "dcovpn did not log its static key setup"
wait_for 15 in_c ping -c1 -W1 "$TUN4_S" || fail "dcovpn side -> openvpn side ping"
in_s ping -c3 -i0.2 -W2 "$c4" >/dev/null || fail "openvpn side -> dcovpn side ping"
# dcovpn's MSS clamp counts the CBC overhead: its datagrams fit the link
f0=$(frag_creates "$NS_C")
transfer "${MB:-10}" up
transfer "${MB:-10}" down
[ "$(frag_creates "$NS_C")" -eq "$f0" ] ||
	fail "dcovpn's side fragmented $(($(frag_creates "$NS_C") - f0)) datagrams"

# openvpn restarts: its packet-ids start again at 1 under a later time
sleep 1.1
stop_pid "$SRV_PID"
start_openvpn_s
wait_for 20 bash -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/server.log') -ge 2 ]" ||
	fail "openvpn did not restart"
wait_for 15 in_s ping -c1 -W1 "$c4" || fail "ping after openvpn restarted"
in_c ping -c3 -i0.2 -W2 "$TUN4_S" >/dev/null || fail "dcovpn side ping after the restart"

# hostile copies of openvpn's packets (no opcode in this mode: --any)
hostile_from_server 1194 --any
client_drops_cover
echo "PASS: $CASE"
