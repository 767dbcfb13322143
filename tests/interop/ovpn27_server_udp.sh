#!/usr/bin/env bash
# dcovpn as a UDP server (tls-crypt) with an OpenVPN 2.7 client in 2.7's
# sample-config style beside a dcovpn client: both up, pings both ways, a
# transfer each way with the 2.7 client. The dcovpn server lists 2.7's
# DEFAULT in data-ciphers.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/server_lib.bash"
PROTO=${PROTO:-udp}
WRAP=${WRAP:-crypt}
MB=${MB:-20}
ns_setup 2
pki_make
server_conf "$PROTO" "$WRAP" "data-ciphers DEFAULT"
client_conf 1 "$PROTO" "$WRAP" disable-dco
client_conf 2 "$PROTO" "$WRAP"
start_server
kind=(- openvpn dcovpn)	# c1 is the 2.7 client
for i in 1 2; do start_client "$i" "${kind[$i]}"; done
for i in 1 2; do wait_client "$i"; done
for i in 1 2; do
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i -> server ping"
	wait_for 10 in_c "$i" ping -6 -c1 -W1 "$TUN6_S" || fail "c$i -> server IPv6 ping"
	in_s ping -c2 -i0.2 -W2 "$(client_tun4 "$i")" >/dev/null || fail "server -> c$i ping"
done
xfer_up 1 "$MB" 6001 || fail "transfer up from the 2.7 client"
xfer_down 1 "$MB" 6002 || fail "transfer down to the 2.7 client"
log "2.7 client: pings and $MB MB each way, SHA-256 match"
echo "PASS: $CASE"
