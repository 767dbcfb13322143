#!/usr/bin/env bash
# A failing --up script stops start-up, as OpenVPN 2.6 does ("WARNING:
# Failed running command (--up/--down) ..." then "Exiting due to fatal
# error", exit status 1, no down script), for a client and for a server;
# openvpn 2.6 is run on the same configuration each time and must behave
# the same. (The server's own up/down environment is compared in
# script_env.)
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
cat >"$T/down.sh" <<X
#!/bin/sh
echo "\$script_type" >>"$T/down.calls"
X
cat >"$T/upfail.sh" <<X
#!/bin/sh
echo up >>"$T/up.calls"
exit 3
X
chmod +x "$T/down.sh" "$T/upfail.sh"

# ends NS BIN CONF LOG: run it, wait (bounded) for it to end; its status
# in $RC ("running": it did not end, then stopped).
ends() {
	local ns=$1 bin=$2 conf=$3 log=$4 pid rc=0 i
	ip netns exec "$ns" "$bin" --config "$conf" >"$log" 2>&1 &
	pid=$!
	for i in $(seq 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		stop_pid "$pid"
		RC=running
		return 0
	fi
	wait "$pid" || rc=$?
	RC=$rc
}

# check WHO LOG RC
check() {
	local who=$1 log=$2 rc=$3
	[ "$rc" != running ] || { cat "$log"; fail "$who kept running after its up script failed"; }
	[ "$rc" = 1 ] || { cat "$log"; fail "$who: exit status $rc, not 1"; }
	grep -q "Exiting due to fatal error" "$log" || { cat "$log"; fail "$who: no 'Exiting due to fatal error'"; }
	grep -q "WARNING: Failed running command (--up/--down): external program exited with error status: 3" "$log" ||
		{ cat "$log"; fail "$who: the failure is not reported as OpenVPN does"; }
	[ "$(cat "$T/up.calls" 2>/dev/null)" = up ] || fail "$who: up ran '$(cat "$T/up.calls" 2>/dev/null)'"
	[ ! -e "$T/down.calls" ] || fail "$who: down ran after the failed up"
	rm -f "$T/up.calls" "$T/down.calls"
}

server_conf udp 4 crypt
client_conf udp 4 crypt "script-security 2" "up $T/upfail.sh" "down $T/down.sh"
start_server
for kind in openvpn dcovpn; do
	bin=$OPENVPN
	[ "$kind" = dcovpn ] && bin=$DCOVPN
	ends "$NS_C" "$bin" "$T/client.conf" "$T/client-$kind.log"
	check "$kind client" "$T/client-$kind.log" "$RC"
done
stop_pid "$SRV_PID"
SRV_PID=
server_conf udp 4 crypt "script-security 2" "up $T/upfail.sh" "down $T/down.sh"
for kind in openvpn dcovpn; do
	bin=$OPENVPN
	[ "$kind" = dcovpn ] && bin=$DCOVPN
	ends "$NS_S" "$bin" "$T/server.conf" "$T/server-$kind.log"
	check "$kind server" "$T/server-$kind.log" "$RC"
done
echo "PASS: $CASE"
