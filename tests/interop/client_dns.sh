#!/usr/bin/env bash
# --dns pushed by an openvpn 2.6 server, on a client host that runs a real
# systemd-resolved (Debian 12's, unpacked by scripts/install-deps.sh, on a
# private system bus in the client namespace's own mount namespace, with
# /etc copied so that resolv.conf points at resolved):
# - openvpn 2.7.8 applies them with its dns-updown script (resolvectl);
#   dcovpn, with no --dns-updown, over D-Bus: resolved must end up with the
#   same link settings (servers, domains, default route, DNSSEC, DoT);
# - a route-up script sees the same dns_* variables from openvpn 2.6 and
#   dcovpn (2.6 applies nothing itself);
# - dcovpn with "dns-updown disable" leaves resolved alone, and with
#   "dns-updown CMD" runs CMD as dns-up / dns-down.
. "$(dirname "$0")/ovpn27.bash"
OV27=$OPENVPN
OPENVPN=$(command -v openvpn || echo /usr/sbin/openvpn)
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/resolved.bash"
OV27_ROOT_DIR=$(sed -n 's|.*"\(/[^"]*\)/usr/sbin/openvpn".*|\1|p' "$OV27")
UPDOWN=$OV27_ROOT_DIR/usr/libexec/openvpn/dns-updown
[ -x "$UPDOWN" ] || fail "no dns-updown script in the OpenVPN 2.7 unpack ($UPDOWN)"

ns_setup
pki_make
server_conf udp 4 crypt \
	'push "dns search-domains corp.example lab.example"' \
	'push "dns server 0 address 198.19.64.55"' \
	'push "dns server 0 transport DoH"' \
	'push "dns server 1 address 198.19.64.53 [fd00:65::53]:5353"' \
	'push "dns server 1 resolve-domains corp.example internal.example"' \
	'push "dns server 1 dnssec optional"' \
	'push "dns server 2 address 198.19.64.54"' \
	'push "dns server 2 transport DoT"' \
	'push "dns server 2 sni dns.corp.example"'
start_server

resolved_host_start

cat >"$T/env.sh" <<'X'
#!/bin/sh
env | grep -E '^dns_' | sort >"$ENV_OUT"
X
chmod +x "$T/env.sh"
client_conf udp 4 crypt "script-security 2"


export ENV_OUT
ENV_OUT=$T/env.ovpn26
run_client ovpn26 "$OPENVPN" "route-up $T/env.sh" "setenv ENV_OUT $T/env.ovpn26"
ENV_OUT=$T/env.dcovpn
run_client dcovpn "$DCOVPN" "route-up $T/env.sh" "setenv ENV_OUT $T/env.dcovpn"
run_client ovpn27 "$OV27" "dns-updown $UPDOWN"

grep -q '^dns_server_2_port_2=5353$' "$T/env.ovpn26" ||
	fail "openvpn 2.6's route-up saw no dns_* variables: $(cat "$T/env.ovpn26")"
diff -u "$T/env.ovpn26" "$T/env.dcovpn" ||
	fail "route-up's dns_* variables differ (openvpn 2.6 -, dcovpn +)"
log "route-up's dns_* variables: $(wc -l <"$T/env.dcovpn") lines, identical to openvpn 2.6's"

grep -q 'DNS Servers: 198.19.64.53 \[fd00:65::53\]:5353' "$T/state.ovpn27" ||
	fail "openvpn 2.7's dns-updown did not set resolved: $(cat "$T/state.ovpn27")"
! grep -q 'DNS Servers' "$T/state.ovpn26" ||
	fail "DNS servers on the link after openvpn 2.6 (which applies none)"
diff -u <(norm "$T/state.ovpn27") <(norm "$T/state.dcovpn") ||
	fail "resolved's link state differs (openvpn 2.7 dns-updown -, dcovpn D-Bus +)"
log "resolved's link state after dcovpn equals openvpn 2.7's: $(norm "$T/state.dcovpn" | paste -sd'|')"

# dns-updown disable: resolved left alone.
EXPECT_STATE=never-there run_client disabled "$DCOVPN" "dns-updown disable"
! grep -q 'DNS Servers' "$T/state.disabled" ||
	fail "dns-updown disable: dcovpn still set resolved: $(cat "$T/state.disabled")"
! grep -q 'handed to systemd-resolved' "$T/client-disabled.log" ||
	fail "dns-updown disable: dcovpn called resolved"

# dns-updown CMD: run as dns-up, then dns-down when the client stops.
cat >"$T/updown.sh" <<'X'
#!/bin/sh
echo "$script_type $dev $dns_server_2_address_1 $dns_search_domain_2" >>"$UPDOWN_OUT"
X
chmod +x "$T/updown.sh"
EXPECT_STATE=never-there run_client cmd "$DCOVPN" "dns-updown $T/updown.sh" \
	"setenv UPDOWN_OUT $T/updown.out"
dev=$(sed -n 's/.*TUN\/TAP device \([^ ]*\) opened.*/\1/p' "$T/client-cmd.log" | head -n1)
printf 'dns-up %s 198.19.64.53 lab.example\ndns-down %s 198.19.64.53 lab.example\n' \
	"$dev" "$dev" | diff -u - "$T/updown.out" ||
	fail "dns-updown CMD: not run as dns-up then dns-down"
! grep -q 'DNS Servers' "$T/state.cmd" ||
	fail "dns-updown CMD: dcovpn set resolved too"
log "dns-updown disable: resolved untouched; dns-updown CMD: dns-up, dns-down"
echo "PASS: $CASE"
