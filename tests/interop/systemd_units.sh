#!/usr/bin/env bash
# make install and the systemd units, as far as a machine without systemd
# as PID 1 allows: install into a prefix; systemd-analyze verify finds
# nothing to say about either unit; man renders dcovpn(8) without warnings;
# then each unit's ExecStart is run as systemd would (its WorkingDirectory
# holding NAME.conf with relative paths, %i and %t filled in, a notify
# socket, and only the unit's CapabilityBoundingSet, through setpriv): the
# server and the client reach each other and carry data, the client signals
# READY=1, the server writes its status file where the unit says.
. "$(dirname "$0")/lib.sh"
P=$T/prefix
make -s -C "$ROOT" BUILD="$BUILD" -o "$BUILD/dcovpn" -o "$BUILD/dcovpn-cli" -o "$BUILD/dcovpn-load" install PREFIX="$P" >"$T/install.log" 2>&1 ||
	fail "make install: $(cat "$T/install.log")"
for f in sbin/dcovpn sbin/dcovpn-cli sbin/dcovpn-load share/man/man8/dcovpn.8 \
	share/man/man8/dcovpn-load.8 share/doc/dcovpn/README.md \
	lib/systemd/system/dcovpn-server@.service lib/systemd/system/dcovpn-client@.service; do
	[ -f "$P/$f" ] || fail "make install did not install $f"
done
grep -q "^ExecStart=$P/sbin/dcovpn " "$P/lib/systemd/system/dcovpn-server@.service" ||
	fail "ExecStart does not point at the installed dcovpn"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify --man=no "$P"/lib/systemd/system/dcovpn-*@.service >"$T/verify.log" 2>&1 ||
		fail "systemd-analyze verify: $(cat "$T/verify.log")"
	[ ! -s "$T/verify.log" ] || fail "systemd-analyze verify: $(cat "$T/verify.log")"
	log "systemd-analyze verify: both units clean"
fi
LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$P/share/man/man8/dcovpn.8" >"$T/man.txt" 2>"$T/man.err" ||
	fail "man -l: $(cat "$T/man.err")"
[ ! -s "$T/man.err" ] || fail "man warnings: $(cat "$T/man.err")"
grep -q "^NAME" "$T/man.txt" || fail "man page: no NAME"
grep -q "dcovpn-server@" "$T/man.txt" || fail "man page: no units"
log "man -l dcovpn.8: $(wc -l <"$T/man.txt") lines, no warnings"

# unit_cmd KIND(server|client): the unit's ExecStart, %i=test, %t=$T/run
unit_cmd() {
	sed -n 's/^ExecStart=//p' "$P/lib/systemd/system/dcovpn-$1@.service" |
		sed -e "s#%i#test#g" -e "s#%t#$T/run#g"
}
# unit_caps KIND: the bounding set as setpriv takes it: -all,+net_admin,...
unit_caps() {
	sed -n 's/^CapabilityBoundingSet=//p' "$P/lib/systemd/system/dcovpn-$1@.service" |
		tr '[:upper:]' '[:lower:]' | sed -e 's/cap_/+/g' -e 's/ /,/g' -e 's/^/-all,/'
}

ns_setup
pki_make
server_conf udp 4 crypt "status-version 2"
client_conf udp 4 crypt
mkdir -p "$T/etc/server" "$T/etc/client" "$T/run/dcovpn-server"
# relative paths: the unit's WorkingDirectory must be what makes them work
for who in server client; do
	cp "$T/pki/ca.crt" "$T/pki/$who.crt" "$T/pki/$who.key" "$T/pki/ta.key" "$T/etc/$who/"
	sed "s#$T/pki/##" "$T/$who.conf" >"$T/etc/$who/test.conf"
done
python3 "$LIB_DIR/syslog_sink.py" "$T/notify.sock" "$T/notify.txt" &
BG_PIDS+=($!)
wait_for 10 test -S "$T/notify.sock" || fail "notify sink did not start"

read -ra cmd <<<"$(unit_cmd server)"
log "server: setpriv --bounding-set $(unit_caps server) ${cmd[*]}"
(cd "$T/etc/server" && exec ip netns exec "$NS_S" setpriv --bounding-set "$(unit_caps server)" \
	"${cmd[@]}") >"$T/server.log" 2>&1 &
SRV_PID=$! # stopped by lib.sh's teardown
export SRV_PID
wait_for 15 grep -q "Initialization Sequence Completed" "$T/server.log" ||
	fail "the server unit's command did not start"
read -ra cmd <<<"$(unit_cmd client)"
(cd "$T/etc/client" && NOTIFY_SOCKET=$T/notify.sock exec ip netns exec "$NS_C" \
	setpriv --bounding-set "$(unit_caps client)" "${cmd[@]}") >"$T/client.log" 2>&1 &
CLI_PID=$!
wait_for 30 grep -q "Initialization Sequence Completed" "$T/client.log" ||
	fail "the client unit's command did not connect"
grep -q "CapEff:.*0000000000000000" "/proc/$CLI_PID/status" && fail "client runs without capabilities"
bnd=$(awk '/^CapBnd/ { print $2 }' "/proc/$CLI_PID/status")
[ "$bnd" != "000001ffffffffff" ] || fail "setpriv did not narrow the bounding set"
ping_both
transfer 5 up
transfer 5 down
wait_for 10 grep -qx "READY=1" "$T/notify.txt" || fail "client unit: no READY=1"
wait_for 10 test -e "$T/run/dcovpn-server/status-test.log" ||
	fail "no status file at %t/dcovpn-server/status-test.log"
log "both units' commands carried 5 MB each way with bounding set $bnd (client)"
echo "PASS: $CASE"
