#!/usr/bin/env bash
# Compression framing as OpenVPN 2.6 with allow-compression no: servers that
# push "compress stub-v2", "comp-lzo no" or "compress" (stub) all work; dcovpn
# frames its packets as asked and never compresses.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
phase=0
for comp in "compress stub-v2" "comp-lzo no" "compress"; do
	phase=$((phase + 1))
	server_conf udp 4 crypt "$comp" "push \"$comp\"" "allow-compression yes"
	client_conf udp 4 crypt
	start_server
	start_client
	ping_both
	transfer "${MB:-5}" up
	stop_pid "$CLI_PID"
	CLI_PID=
	stop_pid "$SRV_PID"
	SRV_PID=
	mv "$T/server.log" "$T/server-$phase.log"
	mv "$T/client.log" "$T/client-$phase.log"
done
echo "PASS: $CASE"
