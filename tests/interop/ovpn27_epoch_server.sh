#!/usr/bin/env bash
# dcovpn UDP server with an OpenVPN 2.7 client and an OpenVPN 2.6 client:
# epoch data keys (2.7's "protocol-flags aead-epoch") with the 2.7 client
# only. The server's engine moves epochs on after DCOVPN_TEST_EPOCH_LIMIT
# blocks + packets instead of 2.7's 2^36 - 1, so the transfer each way
# crosses several rotations: the 2.7 client's log names each new epoch it
# received (only the epoch format carries one) and it answers in them. The
# 2.6 client keeps the 2.6 format and still carries a transfer.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/server_lib.bash"
MB=${MB:-16}
export DCOVPN_TEST_EPOCH_LIMIT=${EPOCH_LIMIT:-150000}
ns_setup 2
pki_make
server_conf udp crypt
client_conf 1 udp crypt
client_conf 2 udp crypt
start_server
kind=(- openvpn openvpn26)
for i in 1 2; do start_client "$i" "${kind[$i]}"; done
for i in 1 2; do wait_client "$i"; done
for i in 1 2; do
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i -> server ping"
	in_s ping -c2 -i0.2 -W2 "$(client_tun4 "$i")" >/dev/null || fail "server -> c$i ping"
done
xfer_up 1 "$MB" 6001 || fail "transfer up from the 2.7 client"
xfer_down 1 "$MB" 6002 || fail "transfer down to the 2.7 client"
xfer_up 2 4 6003 || fail "transfer up from the 2.6 client"
xfer_down 2 4 6004 || fail "transfer down to the 2.6 client"
c27=${CLI_LOG[1]} c26=${CLI_LOG[2]}
ov27_epochs "$c27" client
! grep -qE "aead-epoch|Epoch Data key" "$c26" ||
	fail "epoch keys with the 2.6 client"
grep -q "key derivation TLS-EKM, epoch data keys" "$T/server.log" ||
	fail "dcovpn server log: no epoch data keys"
[ "$(grep -c "key derivation TLS-EKM$" "$T/server.log")" -ge 1 ] ||
	fail "dcovpn server log: no 2.6-format key (the 2.6 client)"
log "2.7 client: $MB MB each way over $EPOCHS epoch changes; 2.6 client: 2.6 format"
echo "PASS: $CASE"
