#!/usr/bin/env bash
# A PUSH_REPLY too long for one control message: the dcovpn server cuts it
# as OpenVPN 2.6 does (messages of at most 1024 bytes, "push-continuation
# 2" on all but the last, "push-continuation 1" on the last); an openvpn
# 2.6 client and a dcovpn client both install all 150 pushed routes.
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
pushes=()
for i in $(seq 1 150); do
	pushes+=("push \"route 198.18.$((200 + i / 100)).$((i % 100 + 1)) 255.255.255.255\"")
done
server_conf udp auth "${pushes[@]}"
client_conf 1 udp auth
client_conf 2 udp auth
start_server
start_pair
n_parts=$(grep -c "SENT CONTROL \[cli1\]: 'PUSH_REPLY" "$T/server.log")
[ "$n_parts" -ge 3 ] || fail "PUSH_REPLY sent in $n_parts part(s), want several"
grep -q "push-continuation 2" "${CLI_LOG[1]}" || fail "openvpn saw no push-continuation 2"
for i in 1 2; do
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i: no ping"
	n=$(in_c "$i" ip -4 route show | grep -cE '^198\.18\.20[01]\.[0-9]+ ')
	[ "$n" -eq 150 ] || fail "c$i installed $n of the 150 pushed routes"
done
log "PUSH_REPLY in $n_parts messages; 150 routes on both clients"
echo "PASS: $CASE"
