#!/usr/bin/env bash
# UDP/IPv4, tls-crypt, client "script-security 2" with up and down scripts:
# both run with OpenVPN's arguments and environment (dev, ifconfig_local,
# ifconfig_netmask, foreign_option_1 from a pushed dhcp-option, ...).
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
cat >"$T/hook.sh" <<X
#!/bin/sh
{ echo "args=\$*"; env; } >"$T/hook-\$script_type.env"
X
chmod +x "$T/hook.sh"
server_conf udp 4 crypt 'push "dhcp-option DNS 198.19.64.1"'
client_conf udp 4 crypt "script-security 2" "up $T/hook.sh" "down $T/hook.sh"
start_server
start_client
ping_both
e=$T/hook-up.env
[ -f "$e" ] || fail "up script did not run"
grep -q '^args=tun[0-9]* 1500 0 198\.19\.64\.2 255\.255\.255\.0 init$' "$e" || fail "up args: $(grep args= "$e")"
grep -q '^dev=tun' "$e" || fail "no dev in the environment"
grep -q '^ifconfig_local=198\.19\.64\.2$' "$e" || fail "no ifconfig_local"
grep -q '^ifconfig_netmask=255\.255\.255\.0$' "$e" || fail "no ifconfig_netmask"
grep -q '^foreign_option_1=dhcp-option DNS 198\.19\.64\.1$' "$e" || fail "no foreign_option_1"
grep -q "^trusted_ip=$UL4_S$" "$e" || fail "no trusted_ip"
stop_pid "$CLI_PID"
CLI_PID=
grep -q '^script_type=down$' "$T/hook-down.env" 2>/dev/null || fail "down script did not run"
echo "PASS: $CASE"
