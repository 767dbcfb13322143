#!/usr/bin/env bash
# PUSH_UPDATE from a dcovpn server (management push-update-cid /
# push-update-broad, OpenVPN 2.7's commands and answers) to an OpenVPN 2.7
# client (c1) and a dcovpn client (c3), beside an openvpn 2.6 client (c2)
# that does not announce it:
#  - push-update-cid to the 2.7 client: its routing table gains the pushed
#    IPv4 and IPv6 routes, with no reconnect (one TLS session, pings go on);
#  - push-update-cid to the 2.6 client: refused with 2.7's words;
#  - push-update-broad: the 2.7 and dcovpn clients are updated ("2
#    client(s)"), and their routes are replaced, not added to; the 2.6
#    client has none; an update its pull-filter ignores changes nothing
#    on the dcovpn client; 28 routes to the dcovpn client go in two parts
#    (push-continuation) and are all installed; then "-route" takes them
#    away;
#  - an update carrying ifconfig is refused (dcovpn keeps client addresses);
#  - a non-updatable option (cipher) makes the dcovpn client reconnect.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/server_lib.bash"
MC=$LIB_DIR/mgmt_client.py
ns_setup 3
pki_make
server_conf udp crypt "management 127.0.0.1 7505" "status-version 2"
client_conf 1 udp crypt disable-dco
client_conf 2 udp crypt
client_conf 3 udp crypt "route 198.19.97.0 255.255.255.0" \
	"pull-filter ignore \"route 198.19.96.\""
start_server
start_client 1 openvpn
OPENVPN=/usr/sbin/openvpn start_client 2 openvpn
start_client 3 dcovpn
for i in 1 2 3; do
	wait_client "$i"
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i -> server ping"
done
has_route() { in_c "$1" ip -o "${@:3}" route show "$2" | grep -q tun; }
# CLIENT_LIST,CN,real,v4,v6,rx,tx,since,since_t,user,CID,peer-id,cipher
cid_of() { awk -F, -v cn="$1" '$1 == "CLIENT_LIST" && $2 == cn { print $11 }' "$T/status"; }
wait_for 10 grep -q "^CLIENT_LIST,cli2," "$T/status" || fail "status lists no cli2"
wait_for 10 grep -q "^CLIENT_LIST,cli1," "$T/status" || fail "status lists no cli1"
cid1=$(cid_of cli1)
cid2=$(cid_of cli2)
wait_for 10 has_route 3 198.19.97.0/24 -4 || fail "the dcovpn client has no route 198.19.97.0/24"
mgmt() { in_s python3 "$MC" 127.0.0.1:7505 "expect:^>INFO:OpenVPN Management" "$@"; }

mgmt "send:push-update-cid $cid1 \"route 198.19.99.0 255.255.255.0, route-ipv6 fd00:99::/64\"" \
	"expect:^SUCCESS: 1 client\(s\) updated" "expect:^SUCCESS: push-update command succeeded" \
	>"$T/m1.log" 2>&1 || { cat "$T/m1.log"; fail "push-update-cid to the 2.7 client"; }
wait_for 10 has_route 1 198.19.99.0/24 -4 || fail "the 2.7 client has no route 198.19.99.0/24"
wait_for 10 has_route 1 fd00:99::/64 -6 || fail "the 2.7 client has no route fd00:99::/64"
mgmt "send:push-update-cid $cid2 \"route 198.19.99.0 255.255.255.0\"" \
	"expect:^PUSH_UPDATE: not sending message to unsupported peer with ID: [0-9]+" \
	"expect:^ERROR: no client updated" "expect:^ERROR: push-update command failed" \
	>"$T/m2.log" 2>&1 || { cat "$T/m2.log"; fail "push-update-cid to the 2.6 client"; }
mgmt "send:push-update-broad \"route 198.19.98.0 255.255.255.0\"" \
	"expect:^SUCCESS: 2 client\(s\) updated" "expect:^SUCCESS: push-update command succeeded" \
	"send:push-update-broad \"ifconfig 198.19.66.99 255.255.255.0\"" \
	"expect:^ERROR: no client updated" "expect:^ERROR: push-update command failed" \
	"send:push-update-cid x route" "expect:^ERROR: push-update-cid fail during cid parsing" \
	>"$T/m3.log" 2>&1 || { cat "$T/m3.log"; fail "push-update-broad"; }
wait_for 10 has_route 1 198.19.98.0/24 -4 || fail "the 2.7 client has no route 198.19.98.0/24"
wait_for 10 bash -c "! ip netns exec sv-$$-c1 ip -o -4 route show 198.19.99.0/24 | grep -q tun" ||
	fail "the 2.7 client kept 198.19.99.0/24 after an update replacing its routes"
has_route 2 198.19.98.0/24 -4 && fail "the 2.6 client got a route"
wait_for 10 has_route 3 198.19.98.0/24 -4 || fail "the dcovpn client has no route 198.19.98.0/24"
# its own (not pushed) route is an IPv4 route too: replaced as 2.7 does
has_route 3 198.19.97.0/24 -4 && fail "the dcovpn client kept its routes after the update"
# pull-filter ignore: that update changes nothing (no reset either)
mgmt "send:push-update-cid $(cid_of cli3) \"route 198.19.96.0 255.255.255.0\"" \
	"expect:^SUCCESS: 1 client\(s\) updated" >"$T/m7.log" 2>&1 ||
	{ cat "$T/m7.log"; fail "push-update-cid of a filtered route"; }
wait_for 10 grep -q "PUSH_UPDATE: 'route 198.19.96.0 255.255.255.0' removed by pull-filter" "${CLI_LOG[3]}" ||
	fail "the dcovpn client did not filter the update"
has_route 3 198.19.98.0/24 -4 || fail "a filtered update took the dcovpn client's route"
# 28 routes (950 bytes): sent in two parts, push-continuation 2 then 1
opts=""
for i in $(seq 100 127); do opts+="${opts:+, }route 198.19.$i.0 255.255.255.0"; done
mgmt "send:push-update-cid $(cid_of cli3) \"$opts\"" "expect:^SUCCESS: 1 client\(s\) updated" \
	>"$T/m5.log" 2>&1 || { cat "$T/m5.log"; fail "push-update-cid of 28 routes"; }
n28() { test "$(in_c 3 ip -o -4 route show | grep -c '^198\.19\.1[0-2][0-9]\.0/24 .*tun')" -eq 28; }
wait_for 10 n28 || fail "the dcovpn client did not get all 28 routes"
n=$(grep -cE "SENT CONTROL \[cli3\]: 'PUSH_UPDATE, ?route 198\.19\.1[0-2][0-9]\.0" "$T/server.log")
[ "$n" -eq 2 ] || fail "the 28 routes went in $n message(s), not 2"
mgmt "send:push-update-cid $(cid_of cli3) \"-route, ?block-ipv6, ?frobnicate 1\"" \
	"expect:^SUCCESS: 1 client\(s\) updated" >"$T/m4.log" 2>&1 ||
	{ cat "$T/m4.log"; fail "push-update-cid to the dcovpn client"; }
n0() { ! in_c 3 ip -o -4 route show | grep -qE '^198\.19\.(9[0-9]|1[0-9][0-9])\.0/24 .*tun'; }
wait_for 10 n0 || fail "-route left the dcovpn client's routes"
wait_for 15 in_c 3 ping -c1 -W1 "$TUN4_S" || fail "c3 -> server ping after the updates"
n=$(grep -c "Peer Connection Initiated" "${CLI_LOG[3]}")
[ "$n" -eq 1 ] || fail "the dcovpn client connected $n times"
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1 -> server ping after the updates"
n=$(grep -c "Peer Connection Initiated" "${CLI_LOG[1]}")
[ "$n" -eq 1 ] || fail "the 2.7 client connected $n times"
grep -q "PUSH: Received control message: 'PUSH_UPDATE,route 198.19.98.0" "${CLI_LOG[1]}" ||
	fail "the 2.7 client's log shows no PUSH_UPDATE"
# a non-updatable option: the dcovpn client restarts, as 2.7 does
mgmt "send:push-update-cid $(cid_of cli3) \"cipher AES-128-GCM\"" \
	"expect:^SUCCESS: 1 client\(s\) updated" >"$T/m6.log" 2>&1 ||
	{ cat "$T/m6.log"; fail "push-update-cid cipher"; }
wait_for 10 grep -q "Pushed option is not updatable: 'cipher AES-128-GCM'" "${CLI_LOG[3]}" ||
	fail "the dcovpn client took a non-updatable option"
wait_for 30 bash -c "[ \$(grep -c 'Initialization Sequence Completed' '${CLI_LOG[3]}') -ge 2 ]" ||
	fail "the dcovpn client did not reconnect after an offending update"
log "2.7 and dcovpn clients updated without reconnect; 2.6 client refused"
echo "PASS: $CASE"
