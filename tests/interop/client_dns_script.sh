#!/usr/bin/env bash
# The DNS script Debian ships for OpenVPN (openvpn-systemd-resolved's
# update-systemd-resolved, run as up/down with down-pre, as its README
# says) on a client host with a real systemd-resolved (resolved.bash):
# pushed dhcp-options (DNS, DNS6, DOMAIN, DOMAIN-SEARCH, DOMAIN-ROUTE,
# DNSSEC) must leave resolved with the same link state behind dcovpn as
# behind openvpn 2.6, and the link must be cleared again at down.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/resolved.bash"
USR=$RESOLVED_DIR/etc/openvpn/update-systemd-resolved
[ -x "$USR" ] || fail "update-systemd-resolved not unpacked in $RESOLVED_DIR (scripts/install-deps.sh)"

ns_setup
pki_make
server_conf udp 4 crypt \
	'push "dhcp-option DNS 198.19.64.53"' \
	'push "dhcp-option DNS6 fd00:65::53"' \
	'push "dhcp-option DOMAIN corp.example"' \
	'push "dhcp-option DOMAIN-SEARCH lab.example"' \
	'push "dhcp-option DOMAIN-ROUTE internal.example"' \
	'push "dhcp-option DNSSEC allow-downgrade"'
start_server
resolved_host_start
# down: the script itself, then what resolved holds for the device right
# after it (down-pre: the device still exists); the script is not changed
cat >"$T/down.sh" <<X
#!/bin/sh
"$USR" "\$@"; rc=\$?
"$RCTL" status "\$1" >"$T/after-down.\$LABEL" 2>&1
exit \$rc
X
chmod +x "$T/down.sh"
client_conf udp 4 crypt "script-security 2" "up $USR" "down $T/down.sh" "down-pre"

run_client ovpn26 "$OPENVPN" "setenv LABEL ovpn26"
run_client dcovpn "$DCOVPN" "setenv LABEL dcovpn"

grep -q 'DNS Servers: 198.19.64.53 fd00:65::53' <(norm "$T/state.ovpn26") ||
	fail "openvpn 2.6 with update-systemd-resolved did not set resolved: $(cat "$T/state.ovpn26")"
diff -u <(norm "$T/state.ovpn26") <(norm "$T/state.dcovpn") ||
	fail "resolved's link state differs (openvpn 2.6 -, dcovpn +)"
log "resolved's link state behind dcovpn equals openvpn 2.6's: $(norm "$T/state.dcovpn" | paste -sd'|')"
for l in ovpn26 dcovpn; do
	grep -q "Protocols:" "$T/after-down.$l" ||
		fail "$l: the down script did not run with the device there: $(cat "$T/after-down.$l" 2>&1)"
	! grep -q 'DNS Servers' "$T/after-down.$l" ||
		fail "$l: resolved still holds DNS servers after down: $(cat "$T/after-down.$l")"
done
log "down (down-pre) reverted the link behind both"
echo "PASS: $CASE"
