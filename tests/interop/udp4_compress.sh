#!/usr/bin/env bash
# Compression as OpenVPN 2.6 with DCO: a server pushing "compress stub-v2"
# works (no framing on IP packets); a server configured with "comp-lzo no"
# (framing dcovpn's offload cannot do) makes dcovpn stop with a clear error
# instead of a tunnel that silently drops everything.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 crypt "compress stub-v2" 'push "compress stub-v2"'
client_conf udp 4 crypt
start_server
start_client
ping_both
transfer "${MB:-10}" up
stop_pid "$CLI_PID"
CLI_PID=
stop_pid "$SRV_PID"
SRV_PID=
mv "$T/server.log" "$T/server-1.log"
mv "$T/client.log" "$T/client-1.log"
server_conf udp 4 crypt "comp-lzo no" 'push "comp-lzo no"' "allow-compression yes"
start_server
set +e
timeout 40 ip netns exec "$NS_C" "$DCOVPN" --config "$T/client.conf" >"$T/client.log" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "comp-lzo no: exit status $rc (want an error)"
grep -q "compression framing" "$T/client.log" || fail "no clear compression error"
echo "PASS: $CASE"
