#!/usr/bin/env bash
# dcovpn server renegotiating every 5 s (reneg-sec) with an OpenVPN 2.7
# client (tls-crypt) under 14 s of pings: at least two renegotiations in the
# 2.7 client's log, no ping lost beyond 2 %. The 2.7 client announces
# dyn-tls-crypt and epoch keys: dcovpn pushes both, the renegotiations run
# under the tls-crypt key both derive from the first TLS session (a wrong
# key on either side: no renegotiation completes), and every new key-id
# starts its own epochs.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
server_conf udp crypt "reneg-sec 5"
client_conf 1 udp crypt
start_server
start_client 1 openvpn
wait_client 1
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1 -> server ping"
in_c 1 ping -c 70 -i 0.2 -W 2 "$TUN4_S" >"$T/ping.log" 2>&1 || true
loss=$(grep -oE '[0-9.]+% packet loss' "$T/ping.log" | cut -d% -f1)
awk -v l="$loss" 'BEGIN { exit !(l != "" && l <= 2) }' || { cat "$T/ping.log"; fail "ping loss '$loss'%"; }
# one "Control Channel:" line per TLS handshake; the first is the start
n=$(($(grep -c "Control Channel: TLS" "${CLI_LOG[1]}" || true) - 1))
[ "$n" -ge 2 ] || fail "the 2.7 client's log shows $n renegotiations"
grep -q "PUSH_REPLY.*protocol-flags cc-exit tls-ekm dyn-tls-crypt aead-epoch'" "${CLI_LOG[1]}" ||
	fail "dcovpn did not push 'protocol-flags cc-exit tls-ekm dyn-tls-crypt aead-epoch' to the 2.7 client"
grep -q "dynamic tls-crypt: Cipher" "${CLI_LOG[1]}" ||
	fail "the 2.7 client did not set up dynamic tls-crypt"
log "renegotiations: $n; ping loss $loss%"
echo "PASS: $CASE"
