# Sourced by the --dns tests after lib.sh: a client "host" in the client
# namespace's own mount namespace with a real systemd-resolved (Debian 12's,
# unpacked with openvpn-systemd-resolved by scripts/install-deps.sh) on a
# private system bus at /run/dbus, /etc copied so that resolv.conf points at
# resolved (as 2.7's dns-updown checks) and resolvectl in /usr/local/bin.
# Nothing of the machine's own /etc, /run or bus is touched.
RESOLVED_DIR=${RESOLVED_DIR:-/var/cache/dcovpn/systemd-resolved}
[ -x "$RESOLVED_DIR/lib/systemd/systemd-resolved" ] ||
	fail "systemd-resolved not unpacked in $RESOLVED_DIR (scripts/install-deps.sh)"
RCTL=$RESOLVED_DIR/usr/bin/resolvectl

on_host() { nsenter -t "$HOST_PID" -m -n -- "$@"; }
link_has() { on_host "$RCTL" status "$1" 2>/dev/null | grep -q "$2"; }
# resolvectl's output without the column alignment (it depends on the
# longest label shown)
norm() { sed 's/^ *//; s/  */ /g' "$1"; }

resolved_host_start() {
	mkdir -p "$T/bin"
	ln -s "$RESOLVED_DIR/usr/bin/resolvectl" "$T/bin/resolvectl"
	cp -a /etc "$T/etc"
	rm -f "$T/etc/resolv.conf"
	ln -s ../run/systemd/resolve/stub-resolv.conf "$T/etc/resolv.conf"
	grep -q '^systemd-resolve:' "$T/etc/passwd" ||
		echo 'systemd-resolve:x:64991:64991::/:/usr/sbin/nologin' >>"$T/etc/passwd"
	grep -q '^systemd-resolve:' "$T/etc/group" ||
		echo 'systemd-resolve:x:64991:' >>"$T/etc/group"
	cat >"$T/bus.conf" <<-X
	<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
	 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
	<busconfig>
	  <type>system</type>
	  <listen>unix:path=/run/dbus/system_bus_socket</listen>
	  <auth>EXTERNAL</auth>
	  <policy context="default">
	    <allow user="*"/><allow own="*"/>
	    <allow send_destination="*"/><allow receive_sender="*"/>
	  </policy>
	</busconfig>
	X
	cat >"$T/host.sh" <<-X
	set -e
	mount --bind "$T/etc" /etc
	mount -t tmpfs tmpfs /run/dbus 2>/dev/null || { mkdir -p /run/dbus; mount -t tmpfs tmpfs /run/dbus; }
	mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd
	# resolvectl where scripts look for it (2.7's dns-updown runs it by name)
	mount --bind "$T/bin" /usr/local/bin
	dbus-daemon --config-file="$T/bus.conf" --nofork --nopidfile >"$T/dbus.log" 2>&1 &
	echo \$! >"$T/dbus.pid"
	for i in \$(seq 50); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.1; done
	exec "$RESOLVED_DIR/lib/systemd/systemd-resolved" >"$T/resolved.log" 2>&1
	X
	ip netns exec "$NS_C" unshare -m --propagation private bash "$T/host.sh" &
	HOST_PID=$!
	BG_PIDS+=("$HOST_PID")
	wait_for 10 test -s "$T/dbus.pid" || fail "the client host's dbus-daemon did not start"
	BG_PIDS+=("$(cat "$T/dbus.pid")")
	wait_for 15 on_host "$RCTL" status ||
		{ cat "$T/dbus.log" "$T/resolved.log"; fail "systemd-resolved did not come up"; }
}

# run_client LABEL BIN [extra lines]: up on the client host; the resolved
# link state of its tun into $T/state.LABEL (EXPECT_STATE: what to wait
# for there first, "DNS Servers" by default); the client stopped again.
run_client() {
	local label=$1 bin=$2
	shift 2
	cp "$T/client.conf" "$T/client-$label.conf"
	local l
	for l in "$@"; do echo "$l" >>"$T/client-$label.conf"; done
	rm -f "$T/client.log"
	# nsenter execs the client: $! is the client's PID (a function run
	# in the background would be a subshell, not the client)
	nsenter -t "$HOST_PID" -m -n -- "$bin" --config "$T/client-$label.conf" \
		>"$T/client.log" 2>&1 &
	CLI_PID=$!
	wait_for 30 grep -q "Initialization Sequence Completed" "$T/client.log" ||
		fail "$label: client did not connect"
	local dev
	dev=$(sed -n 's/.*TUN\/TAP device \([^ ]*\) opened.*/\1/p' "$T/client.log" | head -n1)
	[ -n "$dev" ] || fail "$label: no tun device"
	# what a dns-updown / D-Bus apply leaves, once it has left it
	wait_for 10 link_has "$dev" "${EXPECT_STATE:-DNS Servers}" || true
	on_host "$RCTL" status "$dev" 2>&1 |
		grep -vE '^Link [0-9]+|Current DNS Server|^ *$' >"$T/state.$label" || true
	stop_pid "$CLI_PID"
	CLI_PID=
	cp "$T/client.log" "$T/client-$label.log"
}

