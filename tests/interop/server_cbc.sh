#!/usr/bin/env bash
# dcovpn as a UDP server for legacy peers: "data-ciphers AES-256-GCM:
# AES-256-CBC", "auth SHA256", reneg-sec 20. An openvpn 2.6 client that
# allows only AES-256-CBC (auth SHA256) and a dcovpn client likewise get
# CBC; an openvpn client with the default list (and auth SHA256, which
# tls-auth uses too) gets AES-256-GCM from the same server. Each pings, carries a transfer up (SHA-256 checked), the
# CBC ones one down too; after a renegotiation the CBC clients still ping.
. "$(dirname "$0")/server_lib.bash"
MB=${MB:-10}
ns_setup 3
pki_make
server_conf udp auth "data-ciphers AES-256-GCM:AES-256-CBC" "auth SHA256" \
	"reneg-sec 20"
client_conf 1 udp auth disable-dco "data-ciphers AES-256-CBC" "auth SHA256"
client_conf 2 udp auth disable-dco "auth SHA256"
client_conf 3 udp auth "data-ciphers AES-256-CBC" "auth SHA256"
start_server
start_client 1 openvpn
start_client 2 openvpn
start_client 3 dcovpn
for i in 1 2 3; do wait_client "$i"; done
grep -q "Outgoing Data Channel: Cipher 'AES-256-CBC'" "${CLI_LOG[1]}" ||
	fail "c1 (openvpn) is not on AES-256-CBC"
grep -q "Using 256 bit message hash 'SHA256'" "${CLI_LOG[1]}" ||
	fail "c1 (openvpn) does not use HMAC SHA256"
grep -q "Data Channel: cipher 'AES-256-GCM'" "${CLI_LOG[2]}" ||
	fail "c2 (openvpn) is not on AES-256-GCM"
grep -q "Data Channel: cipher 'AES-256-CBC', auth 'SHA256'" "${CLI_LOG[3]}" ||
	fail "c3 (dcovpn) is not on AES-256-CBC"
for i in 1 2 3; do
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i -> server ping"
	in_s ping -c2 -i0.2 -W2 "$(client_tun4 "$i")" >/dev/null || fail "server -> c$i ping"
done
log "pings ok"
for i in 1 2 3; do
	xfer_up "$i" "$MB" $((6000 + i)) || fail "transfer from c$i"
done
xfer_down 1 "$MB" 6100 || fail "transfer down to c1"
xfer_down 3 "$MB" 6101 || fail "transfer down to c3"
log "transfers of $MB MB: SHA-256 match"
wait_for 40 bash -c "[ \$(grep -c \"Outgoing Data Channel: Cipher 'AES-256-CBC'\" '${CLI_LOG[1]}') -ge 2 ]" ||
	fail "c1 saw no renegotiation"
wait_for 10 grep -q "Data Channel: cipher 'AES-256-CBC', auth 'SHA256', key-id 1" "${CLI_LOG[3]}" ||
	fail "c3 saw no renegotiation"
sleep 1
for i in 1 3; do
	in_c "$i" ping -c3 -i0.2 -W2 "$TUN4_S" >/dev/null || fail "c$i ping after renegotiation"
done
echo "PASS: $CASE"
