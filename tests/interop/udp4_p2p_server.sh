#!/usr/bin/env bash
# Point-to-point TLS mode, roles swapped: dcovpn is the --tls-server (no
# --remote: it answers the first valid peer) and openvpn --tls-client
# connects, with tls-auth and --ifconfig on both. Ping both ways and
# transfers; then a renegotiation started by openvpn (reneg-sec 8).
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
d=$T/pki
# dcovpn runs in the "server" namespace here.
cat >"$T/client.conf" <<X
dev tun
proto udp4
lport 1194
tls-server
ca $d/ca.crt
cert $d/server.crt
key $d/server.key
tls-auth $d/ta.key 0
ifconfig $TUN4_S 198.19.64.2
keepalive 10 60
verb 4
X
cat >"$T/server.conf" <<X
dev tun
proto udp4
remote $UL4_S 1194
nobind
tls-client
ca $d/ca.crt
cert $d/client.crt
key $d/client.key
remote-cert-tls server
tls-auth $d/ta.key 1
ifconfig 198.19.64.2 $TUN4_S
keepalive 10 60
reneg-sec 8
verb 4
disable-dco
X
ip netns exec "$NS_S" "$DCOVPN" --config "$T/client.conf" >"$T/client.log" 2>&1 &
CLI_PID=$!
sleep 0.5
ip netns exec "$NS_C" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
SRV_PID=$!
wait_for 20 grep -q "Initialization Sequence Completed" "$T/client.log" ||
	fail "dcovpn (tls-server) did not complete initialization"
wait_for 20 grep -q "Initialization Sequence Completed" "$T/server.log" ||
	fail "openvpn (tls-client) did not complete initialization"
wait_for 15 in_s ping -c1 -W1 198.19.64.2 || fail "dcovpn side -> openvpn side ping"
in_c ping -c3 -i0.2 -W2 "$TUN4_S" >/dev/null || fail "openvpn side -> dcovpn side ping"
port=$((5000 + RANDOM % 1000))
head -c $((${MB:-20} << 20)) /dev/urandom >"$T/blob"
want="$(stat -c %s "$T/blob") $(sha256sum "$T/blob" | cut -d' ' -f1)"
timeout 60 ip netns exec "$NS_S" python3 "$XFER" recv "$TUN4_S" "$port" >"$T/recv.out" &
BG_PIDS+=($!)
sleep 0.3
timeout 60 ip netns exec "$NS_C" python3 "$XFER" send "$TUN4_S" "$port" "$T/blob" || fail "send failed"
wait "${BG_PIDS[-1]}" || fail "receiver failed"
[ "$(cat "$T/recv.out")" = "$want" ] || fail "transfer: got '$(cat "$T/recv.out")', want '$want'"
wait_for 20 grep -q "soft reset of key-id 1 completed" "$T/client.log" || fail "no renegotiation"
sleep 1
in_c ping -c3 -i0.2 -W2 "$TUN4_S" >/dev/null || fail "ping after renegotiation"
echo "PASS: $CASE"
