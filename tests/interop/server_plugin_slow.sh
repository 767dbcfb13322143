#!/usr/bin/env bash
# A plugin whose AUTH_USER_PASS_VERIFY answers synchronously after 8 s
# (the probe's "slow" user: auth-ldap waiting for an LDAP server that does
# not answer). While it runs on the plugin thread, the server's event loop
# must go on: the management interface answers, a connected client's
# pings go through, and a client that connects meanwhile gets its plugin
# contexts made in turn without the loop waiting for them (this waited
# for the slow call before: the management interface stalled for seconds
# and CI's server_plugin_ldap_radius failed on it). Its own AUTH comes
# after the slow one, in order, as plugins expect. openvpn 2.6 stalls on
# such a plugin as a whole, so there is nothing to compare with.
. "$(dirname "$0")/server_lib.bash"
ns_setup 3
pki_make
cc -shared -fPIC -o "$T/probe.so" "$LIB_DIR/plugin_probe.c" || fail "cannot build the probe"
for u in good slow; do printf '%s\npw\n' "$u" >"$T/$u.txt"; done
server_conf udp auth "plugin $T/probe.so $T/probe-srv" "hand-window 20" \
	"management 127.0.0.1 7505"
client_conf 1 udp auth "auth-user-pass $T/good.txt"
client_conf 2 udp auth "auth-user-pass $T/slow.txt"
client_conf 3 udp auth "auth-user-pass $T/good.txt"

start_server
start_client 1 openvpn
wait_client 1
wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1 no ping"
start_client 2 openvpn
wait_for 20 grep -q "EV AUTH.*user=slow" "$T/probe-srv" || fail "the slow AUTH did not start"
t0=$SECONDS
start_client 3 openvpn
# while the slow call runs (8 s): the loop answers, c1's pings go through
worst=0 pings=0 lost=0
while [ $((SECONDS - t0)) -lt 6 ] && ! grep -q "Initialization Sequence Completed" "${CLI_LOG[2]}"; do
	ms=$(mgmt_ms) || ms=15000
	[ "$ms" -gt "$worst" ] && worst=$ms
	pings=$((pings + 1))
	in_c 1 ping -c1 -W2 "$TUN4_S" >/dev/null || lost=$((lost + 1))
done
log "slowest management answer during the slow call: $worst ms; c1 pings lost: $lost of $pings"
wait_client 2
wait_client 3
wait_for 15 in_c 3 ping -c1 -W1 "$TUN4_S" || fail "c3 no ping"
[ "$worst" -lt 1500 ] || fail "the management interface waited $worst ms during the slow plugin call"
[ "$pings" -ge 2 ] || fail "only $pings probes during the slow call"
[ "$lost" -le 1 ] || fail "c1 lost $lost of $pings pings during the slow plugin call"
# the plugin saw the slow client's AUTH before the later client's
order=$(awk '/EV AUTH/' "$T/probe-srv" | sed -n '2,3p' | grep -o "user=[a-z]*" | tr '\n' ' ')
[ "$order" = "user=slow user=good " ] || fail "AUTH calls out of order: $order"
echo "PASS: $CASE"
