#!/usr/bin/env bash
# PUSH_UPDATE from an OpenVPN 2.7 server to a dcovpn client (management
# push-update-broad on the 2.7 server):
#  - 7 routes in one update (2.7's management takes 256 bytes a
#    parameter, so it never needs to split one): the client installs
#    them without reconnecting;
#  - "-route, route-ipv6 ...": the 7 routes go, the IPv6 route comes;
#  - "dns server 0 address A": the client's dns-updown command runs
#    dns-up with it; a second update with address B runs dns-down (A)
#    then dns-up (B); "-dns" runs dns-down (B) and no dns-up;
#  - the tunnel stays up (one TLS session, pings answered).
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/lib.sh"
MC=$(dirname "$0")/mgmt_client.py
ns_setup
pki_make
server_conf udp 4 crypt "management 127.0.0.1 7505"
cat >"$T/dnsud.sh" <<'X'
#!/bin/sh
echo "$script_type ${dns_server_1_address_1:-none}" >>"$(dirname "$0")/dns.log"
X
chmod +x "$T/dnsud.sh"
client_conf udp 4 crypt "script-security 2" "dns-updown $T/dnsud.sh"
start_server
start_client
ping_both
mgmt() { in_s python3 "$MC" 127.0.0.1:7505 "expect:^>INFO:OpenVPN Management" "$@"; }
nroutes() { in_c ip -o -4 route show | grep -c "^198\.19\.1[0-2][0-9]\.0/24 .*tun" || true; }
# A 2.7 server writes a management-made message into TLS but sends it only
# when that client's instance runs next (its traffic or a timer, up to
# ~10 s later): a ping through the tunnel makes it run.
has_n() { in_c ping -c1 -W1 "$TUN4_S" >/dev/null 2>&1; test "$(nroutes)" -eq "$1"; }
opts=""
for i in $(seq 100 106); do opts+="${opts:+, }route 198.19.$i.0 255.255.255.0"; done
mgmt "send:push-update-broad \"$opts\"" "expect:^SUCCESS: 1 client\(s\) updated" \
	>"$T/m1.log" 2>&1 || { cat "$T/m1.log"; fail "push-update-broad of 7 routes"; }
wait_for 15 has_n 7 || fail "the client has $(nroutes) of the 7 routes"
mgmt "send:push-update-broad \"-route, route-ipv6 fd00:98::/64\"" \
	"expect:^SUCCESS: 1 client\(s\) updated" >"$T/m2.log" 2>&1 ||
	{ cat "$T/m2.log"; fail "push-update-broad -route"; }
wait_for 15 has_n 0 || fail "-route left $(nroutes) routes"
wait_for 10 bash -c "ip netns exec $NS_C ip -o -6 route show fd00:98::/64 | grep -q tun" ||
	fail "no route fd00:98::/64 on the client"
ping_both
dnslog() { tr '\n' ' ' <"$T/dns.log" 2>/dev/null; }
dns_is() { in_c ping -c1 -W1 "$TUN4_S" >/dev/null 2>&1; test "$(dnslog)" = "$1"; }
for a in 198.18.0.53 198.18.0.54; do
	mgmt "send:push-update-broad \"dns server 0 address $a\"" \
		"expect:^SUCCESS: 1 client\(s\) updated" >"$T/m-$a.log" 2>&1 ||
		{ cat "$T/m-$a.log"; fail "push-update-broad dns $a"; }
	[ $a = 198.18.0.53 ] && want="dns-up $a " ||
		want="dns-up 198.18.0.53 dns-down 198.18.0.53 dns-up $a "
	wait_for 15 dns_is "$want" || fail "dns-updown ran: '$(dnslog)', wanted '$want'"
done
mgmt "send:push-update-broad \"-dns\"" "expect:^SUCCESS: 1 client\(s\) updated" \
	>"$T/m-nodns.log" 2>&1 || { cat "$T/m-nodns.log"; fail "push-update-broad -dns"; }
want="dns-up 198.18.0.53 dns-down 198.18.0.53 dns-up 198.18.0.54 dns-down 198.18.0.54 "
wait_for 15 dns_is "$want" || fail "-dns: dns-updown ran: '$(dnslog)', wanted '$want'"
ping_both
n=$(grep -c "Peer Connection Initiated" "$T/client.log")
[ "$n" -eq 1 ] || fail "the dcovpn client connected $n times"
log "7 routes, then replaced by one IPv6 route; dns A, B, none; one connection"
echo "PASS: $CASE"
