#!/usr/bin/env bash
# Debian's openvpn-auth-ldap and openvpn-auth-radius plugins, unchanged,
# on the dcovpn server with their own config files, pointed at the server
# namespace's own address where no LDAP or RADIUS server answers: both
# load and refuse a client with credentials (AUTH_FAILED) and, as OpenVPN
# (auth-user-pass-optional hands the plugin an empty username), one
# without. radiusplugin answers through auth_control_file from its
# background process (useauthcontrolfile): deferred, so RADIUS's retries
# (2 x 2 s) do not hold the server up. auth-ldap answers synchronously
# and its LDAP server (an address nobody has) takes seconds to fail, and
# radiusplugin's call waits while its helper is busy with another client:
# the calls run on dcovpn's plugin thread, so the management interface
# keeps answering meanwhile (openvpn 2.6 stalls for seconds). The same configuration run by
# openvpn 2.6 as the server gives the same answers.
. "$(dirname "$0")/server_lib.bash"
LDAP_SO=/usr/lib/openvpn/openvpn-auth-ldap.so
RADIUS_SO=/usr/lib/openvpn/radiusplugin.so
[ -f "$LDAP_SO" ] || fail "$LDAP_SO missing (package openvpn-auth-ldap)"
[ -f "$RADIUS_SO" ] || fail "$RADIUS_SO missing (package openvpn-auth-radius)"
ns_setup 2
pki_make
cat >"$T/auth-ldap.conf" <<X
<LDAP>
	URL		ldap://198.18.66.200:389
	Timeout		3
	TLSEnable	no
</LDAP>
<Authorization>
	BaseDN		"ou=People,dc=example,dc=org"
	SearchFilter	"(uid=%u)"
	RequireGroup	false
</Authorization>
X
cat >"$T/radius.cnf" <<X
NAS-Identifier=dcovpn-test
Service-Type=5
Framed-Protocol=1
NAS-Port-Type=5
NAS-IP-Address=$UL4_S
OpenVPNConfig=$T/server.conf
subnet=255.255.255.0
overwriteccfiles=true
useauthcontrolfile=true
server
{
	acctport=1813
	authport=1812
	name=$UL4_S
	retry=2
	wait=2
	sharedsecret=testpw
}
X
printf 'carol\nsecret\n' >"$T/up.txt"
client_conf 1 udp auth "auth-user-pass $T/up.txt" "auth-retry none"
client_conf 2 udp auth

# mgmt_watch KIND NAME: the slowest management answer while c1 waits for
# its answer (at most 40 probes), into $T/mgmt-KIND-NAME.
mgmt_watch() {
	local worst=0 ms n
	for n in $(seq 40); do
		ms=$(mgmt_ms) || ms=15000
		[ "$ms" -gt "$worst" ] && worst=$ms
		grep -q "AUTH_FAILED" "${CLI_LOG[1]}" && break
	done
	echo "$worst" >"$T/mgmt-$1-$2"
}

# check KIND PLUGIN-LINE NAME: c1 (credentials) must be refused; how c2
# (certificate only) fares goes to $T/outcome-KIND-NAME, with the times.
check() {
	local kind=$1 line=$2 name=$3 t0 c2=refused
	server_conf udp auth "$line" "auth-user-pass-optional" "hand-window 20" \
		"management 127.0.0.1 7505"
	if [ "$kind" = openvpn ]; then DCOVPN=$OPENVPN start_server; else start_server; fi
	t0=$SECONDS
	start_client 1 openvpn
	start_client 2 openvpn
	mgmt_watch "$kind" "$name"
	log "$kind/$name: slowest management answer meanwhile $(cat "$T/mgmt-$kind-$name") ms"
	wait_for 25 grep -q "AUTH_FAILED" "${CLI_LOG[1]}" ||
		fail "$kind/$name: c1 not refused"
	log "$kind/$name: c1 refused after $((SECONDS - t0)) s"
	grep -q "Initialization Sequence Completed" "${CLI_LOG[1]}" &&
		fail "$kind/$name: c1 connected without an answer from $name"
	wait_for 25 grep -qE "Initialization Sequence Completed|AUTH_FAILED" "${CLI_LOG[2]}" ||
		fail "$kind/$name: c2 got no answer"
	if grep -q "Initialization Sequence Completed" "${CLI_LOG[2]}"; then
		c2=in
		wait_for 15 in_c 2 ping -c1 -W1 "$TUN4_S" || fail "$kind/$name: c2 no ping"
	fi
	log "$kind/$name: certificate-only client $c2 after $((SECONDS - t0)) s"
	echo "$c2" >"$T/outcome-$kind-$name"
	kill -0 "$SRV_PID" 2>/dev/null || fail "$kind/$name: the server died"
	for i in 1 2; do stop_pid "${CLI_PIDS[$i]}"; done
	stop_pid "$SRV_PID"
	for i in 1 2; do mv "${CLI_LOG[$i]}" "$T/$kind-$name-${CLI_LOG[$i]##*/}"; done
	mv "$T/server.log" "$T/server-$kind-$name.log"
}
for kind in dcovpn openvpn; do
	check "$kind" "plugin $LDAP_SO \"$T/auth-ldap.conf\"" ldap
	check "$kind" "plugin $RADIUS_SO $T/radius.cnf" radius
done
grep -q "PLUGIN_INIT: POST $LDAP_SO" "$T/server-dcovpn-ldap.log" || fail "ldap not opened"
grep -q "PLUGIN_INIT: POST $RADIUS_SO" "$T/server-dcovpn-radius.log" || fail "radius not opened"
for name in ldap radius; do
	[ "$(cat "$T/outcome-dcovpn-$name")" = "$(cat "$T/outcome-openvpn-$name")" ] ||
		fail "$name: the certificate-only client is $(cat "$T/outcome-dcovpn-$name") with dcovpn, $(cat "$T/outcome-openvpn-$name") with openvpn"
done
for name in ldap radius; do
	[ "$(cat "$T/mgmt-dcovpn-$name")" -lt 1000 ] ||
		fail "the management interface waited $(cat "$T/mgmt-dcovpn-$name") ms for $name"
done
grep -q "radiusplugin.so/PLUGIN_AUTH_USER_PASS_VERIFY status=2" \
	"$T/server-dcovpn-radius.log" || fail "radius did not answer deferred"
echo "PASS: $CASE"
