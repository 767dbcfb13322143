#!/usr/bin/env bash
# "dev null": the control channel and the data channel's keepalive without a
# tun device, as OpenVPN allows. The client completes initialization, makes
# no tun device, and stays connected past the server's ping-restart (so the
# engine's pings flow both ways without a tun).
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 crypt "keepalive 1 4"
client_conf udp 4 crypt "dev null"
start_server
start_client
if in_c ip -o link show | grep tun >/dev/null; then
	fail "dev null created a tun device: $(in_c ip -o link show)"
fi
# 3x the pushed ping-restart: a missing keepalive would restart the session
wait_for 12 bash -c "! kill -0 $CLI_PID" && fail "the client exited"
[ "$(grep -c 'Initialization Sequence Completed' "$T/client.log")" -eq 1 ] ||
	fail "the client restarted: $(grep -E 'restart|Restart' "$T/client.log")"
grep -q "Inactivity timeout" "$T/server.log" &&
	fail "the server timed the client out"
echo "PASS: $CASE"
