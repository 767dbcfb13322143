#!/usr/bin/env bash
# UDP/IPv4, tls-auth, server "keepalive 2 8" (pushes ping 2, ping-restart
# 8): the link goes silent (the client's veth goes down) for longer than
# ping-restart; dcovpn restarts on the engine's keepalive expiry and
# reconnects once the link works again.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 auth "keepalive 2 8"
client_conf udp 4 auth
start_server
start_client
ping_both
in_c ip link set "$VETH_C" down
wait_for 20 grep -q "Inactivity timeout (--ping-restart)" "$T/client.log" ||
	fail "no ping-restart in the client log"
in_c ip link set "$VETH_C" up
wait_for 40 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/client.log') -ge 2 ]" ||
	fail "dcovpn did not reconnect"
ping_both
echo "PASS: $CASE"
