#!/usr/bin/env bash
# UDP/IPv4, tls-crypt, client "user nobody" / "group nogroup": once up,
# dcovpn runs as nobody with CAP_NET_ADMIN alone (every thread), and a
# reconnect (SIGUSR1) still builds the tunnel again: new tun device,
# addresses, routes, all without root. The config file is root-only, as
# it often is: the reconnect must not need to read it again. Its --status
# file (root's, made before the drop) is still written as nobody, in place.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 crypt
client_conf udp 4 crypt "user nobody" "group nogroup" "status $T/cstatus 1"
chmod 600 "$T/client.conf"
start_server
start_client
ping_both
grep -q "dropped privileges to user nobody, group nogroup" "$T/client.log" ||
	fail "no privilege drop logged"
check_unprivileged() {
	local st
	for st in /proc/"$CLI_PID"/task/*/status; do
		awk '$1 == "Uid:" && $2 != 65534 { exit 1 }
		     $1 == "Gid:" && $2 != 65534 { exit 1 }
		     ($1 == "CapEff:" || $1 == "CapPrm:") &&
		     $2 != "0000000000000000" && $2 != "0000000000001000" { exit 1 }' "$st" ||
			{ cat "$st"; fail "$1: a thread is not nobody with CAP_NET_ADMIN alone"; }
	done
}
check_unprivileged "after the first connection"
kill -USR1 "$CLI_PID"
wait_for 30 sh -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/client.log') -ge 2 ]" ||
	fail "dcovpn did not reconnect without root"
ping_both
check_unprivileged "after the reconnect"
touch "$T/mark"
sleep 1.1
wait_for 5 test "$T/cstatus" -nt "$T/mark" || fail "status file not written as nobody"
grep -q "^END$" "$T/cstatus" || fail "status file incomplete"
! grep -q "cannot write the status file" "$T/client.log" || fail "status file write failed"
log "reconnected as nobody: $(grep -c 'TUN/TAP device' "$T/client.log") tun devices made"
echo "PASS: $CASE"
