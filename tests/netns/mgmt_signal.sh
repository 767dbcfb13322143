#!/bin/bash
# --management-signal (no network): a manager that connects to the unix
# socket and hangs up makes the client restart (SIGUSR1), logging
# "MANAGEMENT: Triggering management signal", as openvpn on the same
# options; without the option the client keeps running as it was.
. "$(dirname "$0")/nonet_lib.bash"

printf 'u\np\n' >"$T/up"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

# hang_up NAME BINARY [OPTION]: starts it, connects a manager to its
# socket, reads the greeting and hangs up.
hang_up() {
	"$2" --client --dev null --proto udp --remote 127.0.0.1 9 --nobind \
		--ca /etc/ssl/certs/ca-certificates.crt --auth-user-pass "$T/up" \
		--verb 4 --management "$T/$1.sock" unix ${3:+"$3"} >"$T/$1.log" 2>&1 &
	pids+=($!)
	wait_log 10 'MANAGEMENT: unix domain socket listening|UDP link remote' "$T/$1.log" ||
		fail "$1 did not start"
	manager "$1"
}

# manager NAME: connects to NAME's socket (5 s at most), reads the
# greeting, hangs up.
manager() {
	timeout 10 python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
for _ in range(50):
    try:
        s.connect(sys.argv[1]); break
    except OSError:
        time.sleep(0.1)
assert s.recv(200).startswith(b">INFO:")
s.close()' "$T/$1.sock" || fail "$1: no manager connection"
}

for prog in openvpn dcovpn; do
	bin=$OPENVPN
	[ "$prog" = dcovpn ] && bin=$DCOVPN
	hang_up "$prog" "$bin" --management-signal
	wait_log 10 'MANAGEMENT: Triggering management signal' "$T/$prog.log" ||
		fail "$prog: no management signal"
	wait_log 10 'SIGUSR1.*received, process restarting' "$T/$prog.log" ||
		fail "$prog: did not restart"
	log "ok: $prog restarts when its manager hangs up"
done
hang_up plain "$DCOVPN"
# the next manager is let in only after the first one's hang-up was handled
manager plain
grep -qE 'Triggering management signal|SIGUSR1' "$T/plain.log" &&
	{ cat "$T/plain.log"; fail "dcovpn restarted without --management-signal"; }
log "ok: no restart without the option"
