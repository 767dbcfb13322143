#!/usr/bin/env bash
# --session-timeout 4, as OpenVPN 2.6's manual says: on a server each
# client's session ends 4 s after it began ("<client> Session timeout,
# exiting") and the server runs on; a client logs "Session timeout,
# exiting" and exits (no reconnect); a pushed value acts as a local one.
# openvpn 2.6 on the same configs first, then dcovpn.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make

# one_run PROG ROLE: PROG (openvpn|dcovpn) as ROLE (server|client), the other
# end openvpn; the session must end within 15 s.
one_run() {
	local prog=$1 role=$2 srv=$OPENVPN cli=$OPENVPN
	[ "$role" = server ] && [ "$prog" = dcovpn ] && srv=$DCOVPN
	[ "$role" = client ] && [ "$prog" = dcovpn ] && cli=$DCOVPN
	start_pair "$srv" "$cli" "$prog $role"
	start=$SECONDS
	wait_for 15 grep -q "Session timeout, exiting" "$T/$role.log" ||
		fail "$prog $role: no 'Session timeout, exiting'"
	if [ "$role" = server ]; then
		grep -q "ic-client/.*Session timeout, exiting" "$T/server.log" ||
			fail "$prog server: message without the client's name"
		kill -0 "$SRV_PID" || fail "$prog server exited"
	else
		wait_for 10 bash -c "! kill -0 $CLI_PID" ||
			fail "$prog client did not exit"
	fi
	log "$prog $role: session ended $((SECONDS - start)) s after it was up"
	stop_pid "$CLI_PID"; CLI_PID=
	stop_pid "$SRV_PID"; SRV_PID=
}

server_conf udp 4 crypt "session-timeout 4"
client_conf udp 4 crypt
for prog in openvpn dcovpn; do one_run "$prog" server; done
server_conf udp 4 crypt
client_conf udp 4 crypt "session-timeout 4"
for prog in openvpn dcovpn; do one_run "$prog" client; done
server_conf udp 4 crypt 'push "session-timeout 4"'
client_conf udp 4 crypt
for prog in openvpn dcovpn; do one_run "$prog" client; done
echo "PASS: $CASE"
