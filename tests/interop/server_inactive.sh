#!/usr/bin/env bash
# --inactive 3 on a server ends each idle client's instance, not the
# server, as OpenVPN 2.6 does: an openvpn client whose tunnel carries pings
# every 0.5 s for 6 s keeps its instance; once the pings stop, the server
# logs "<client> Inactivity timeout (--inactive), exiting" within a few
# seconds and goes on running. openvpn 2.6 as the server on the same config
# first, then dcovpn.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 crypt "inactive 3"
client_conf udp 4 crypt
for prog in openvpn dcovpn; do
	bin=$OPENVPN
	[ "$prog" = dcovpn ] && bin=$DCOVPN
	start_pair "$bin" "$OPENVPN" "$prog server"
	in_c ping -c 12 -i 0.5 -W 1 "$TUN4_S" >/dev/null || fail "$prog server: pings lost"
	grep -q "Inactivity timeout" "$T/server.log" &&
		fail "$prog server: ended a client with traffic"
	start=$SECONDS
	wait_for 10 grep -q "Inactivity timeout (--inactive), exiting" "$T/server.log" ||
		fail "$prog server: idle client not ended"
	grep -q "ic-client/.*Inactivity timeout (--inactive), exiting" "$T/server.log" ||
		fail "$prog server: message without the client's name"
	kill -0 "$SRV_PID" || fail "$prog server exited"
	log "$prog server: idle client ended $((SECONDS - start)) s after the pings stopped; server runs on"
	stop_pid "$CLI_PID"; CLI_PID=
	stop_pid "$SRV_PID"; SRV_PID=
	cp "$T/server.log" "$T/server-$prog.log"
done
echo "PASS: $CASE"
