#!/usr/bin/env bash
# --push-peer-info: the client sends what OpenVPN 2.6 adds with it
# (ssl.c push_peer_info): IV_HWADDR (the default route's interface), IV_SSL,
# and the UV_* and IV_PLAT_VER variables of --setenv. An openvpn 2.6
# server's client-connect script sees them; an openvpn client on the same
# config first, then dcovpn: same values (the server's script sees IV_SSL
# with '_' for each space). Without the option dcovpn sends none of them.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
in_c ip route add default via "$UL4_S"
mac=$(in_c cat "/sys/class/net/$VETH_C/address")
cat >"$T/cc.sh" <<X
#!/bin/sh
env | grep -E '^(IV|UV)_' | sort >"$T/env.\$common_name"
X
chmod +x "$T/cc.sh"
server_conf udp 4 crypt "script-security 2" "client-connect $T/cc.sh"

# one_run PROG LABEL: PROG as the client; its variables in $T/env-LABEL.
one_run() {
	local cli=$OPENVPN
	[ "$1" = dcovpn ] && cli=$DCOVPN
	rm -f "$T/env.ic-client"
	start_pair "$OPENVPN" "$cli" "$2"
	wait_for 10 test -s "$T/env.ic-client" || fail "$2: no client-connect env"
	cp "$T/env.ic-client" "$T/env-$2"
	stop_pid "$CLI_PID"; CLI_PID=
	stop_pid "$SRV_PID"; SRV_PID=
}

client_conf udp 4 crypt "push-peer-info" "setenv UV_COLOR blue" \
	"setenv IV_PLAT_VER test-1" "setenv OTHER_VAR x"
one_run openvpn ref
one_run dcovpn ours
for v in "IV_HWADDR=$mac" UV_COLOR=blue IV_PLAT_VER=test-1; do
	grep -qx "$v" "$T/env-ref" || fail "openvpn client did not send $v"
	grep -qx "$v" "$T/env-ours" || { cat "$T/env-ours"; fail "dcovpn did not send $v"; }
done
ssl=$(grep '^IV_SSL=' "$T/env-ref") || fail "openvpn client did not send IV_SSL"
grep -qx "$ssl" "$T/env-ours" || { cat "$T/env-ours"; fail "dcovpn: no $ssl"; }
grep -q '^OTHER_VAR' "$T/env-ours" && fail "dcovpn sent a variable that is not UV_"
log "ok: dcovpn sends $(grep -cE '^(IV_HWADDR|IV_SSL|UV_|IV_PLAT_VER)' "$T/env-ours") push-peer-info variables, as openvpn"

client_conf udp 4 crypt "setenv UV_COLOR blue"
one_run dcovpn plain
grep -qE '^(IV_HWADDR|IV_SSL|UV_COLOR)=' "$T/env-plain" &&
	fail "dcovpn sent push-peer-info variables without the option"
log "ok: none without --push-peer-info"
echo "PASS: $CASE"
