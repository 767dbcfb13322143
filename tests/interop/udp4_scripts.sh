#!/usr/bin/env bash
# UDP/IPv4, tls-crypt, client "script-security 2" with up and down scripts:
# both run with OpenVPN's arguments and environment (dev, ifconfig_local,
# ifconfig_netmask, foreign_option_1 from a pushed dhcp-option, ...).
# Also the client's --status file and SIGUSR2 report (OpenVPN STATISTICS),
# persist-tun across SIGUSR1 (no scripts run) and --down-pre.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
cat >"$T/hook.sh" <<X
#!/bin/sh
echo "\$script_type" >>"$T/hook.calls"
{ echo "args=\$*"; env
  ip link show "\$dev" >/dev/null 2>&1 && echo dev_present=1 || echo dev_present=0
} >"$T/hook-\$script_type.env"
X
chmod +x "$T/hook.sh"
server_conf udp 4 crypt 'push "dhcp-option DNS 198.19.64.1"'
client_conf udp 4 crypt "script-security 2" "up $T/hook.sh" "down $T/hook.sh" \
	"status $T/status.txt 1"
start_server
start_client
ping_both
# The status file, rewritten every second: OpenVPN's lines, in its order,
# with the counters of the pings just sent.
st=$T/status.txt
status_counted() {
	awk -F, '$1 == "TUN/TAP write bytes" && $2 > 0 { w = 1 }
		 $1 == "Auth read bytes" && $2 > 0 { a = 1 }
		 END { exit !(w && a) }' "$st"
}
wait_for 5 status_counted || { cat "$st"; fail "status file without the ping's bytes"; }
sed 's/[0-9][0-9]*/N/g' "$st" >"$T/status.shape"
printf '%s\n' "OpenVPN STATISTICS" "Updated,N-N-N N:N:N" "TUN/TAP read bytes,N" \
	"TUN/TAP write bytes,N" "TCP/UDP read bytes,N" "TCP/UDP write bytes,N" \
	"Auth read bytes,N" "END" | diff - "$T/status.shape" || fail "status file format"
kill -USR2 "$CLI_PID"
wait_for 5 grep -q "TUN/TAP read bytes," "$T/client.log" || fail "SIGUSR2 wrote no statistics"
log "status: $(tr '\n' ' ' <"$st")"

e=$T/hook-up.env
[ -f "$e" ] || fail "up script did not run"
grep -q '^args=tun[0-9]* 1500 0 198\.19\.64\.2 255\.255\.255\.0 init$' "$e" || fail "up args: $(grep args= "$e")"
grep -q '^dev=tun' "$e" || fail "no dev in the environment"
grep -q '^ifconfig_local=198\.19\.64\.2$' "$e" || fail "no ifconfig_local"
grep -q '^ifconfig_netmask=255\.255\.255\.0$' "$e" || fail "no ifconfig_netmask"
grep -q '^foreign_option_1=dhcp-option DNS 198\.19\.64\.1$' "$e" || fail "no foreign_option_1"
grep -q "^trusted_ip=$UL4_S$" "$e" || fail "no trusted_ip"
# persist-tun (in the config): a restart keeps the tun and runs no script
kill -USR1 "$CLI_PID"
wait_for 30 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/client.log') -ge 2 ]" ||
	fail "no reconnect after SIGUSR1"
ping_both
[ "$(cat "$T/hook.calls")" = up ] || fail "scripts across a persist-tun restart: $(cat "$T/hook.calls")"
stop_pid "$CLI_PID"
CLI_PID=
grep -q '^script_type=down$' "$T/hook-down.env" 2>/dev/null || fail "down script did not run"
grep -q '^dev_present=0$' "$T/hook-down.env" || fail "down ran before the tun was gone"
# --down-pre: the down script runs while the tun still exists
rm -f "$T/hook-down.env"
client_conf udp 4 crypt "script-security 2" "down $T/hook.sh" down-pre
start_client
stop_pid "$CLI_PID"
CLI_PID=
grep -q '^dev_present=1$' "$T/hook-down.env" 2>/dev/null || fail "down-pre: tun already gone"
echo "PASS: $CASE"
