#!/bin/bash
# --nice N (no network): every thread of the running daemon has nice N and
# the log says "nice N succeeded", the line openvpn prints on the same
# options. The client waits for a server that never answers (loopback).
. "$(dirname "$0")/nonet_lib.bash"

printf 'u\np\n' >"$T/up"
args=(--client --dev null --proto udp --remote 127.0.0.1 9 --nobind
      --ca /etc/ssl/certs/ca-certificates.crt --auth-user-pass "$T/up"
      --verb 4 --nice 7)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

# start_logged NAME BINARY: runs it in the background, waits (5 s at most)
# for the nice line in $T/NAME.log; sets $pid.
start_logged() {
	"$2" "${args[@]}" >"$T/$1.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	wait_log 5 'nice 7 succeeded' "$T/$1.log" || fail "$1: no 'nice 7 succeeded'"
}

start_logged dcovpn "$DCOVPN"
n=0
for st in /proc/$pid/task/*/stat; do
	v=$(sed 's/.*) //' "$st" | awk '{print $17}')
	[ "$v" = 7 ] || { cat "$T/dcovpn.log"; fail "thread $st has nice $v, not 7"; }
	n=$((n + 1))
done
log "ok: $n threads at nice 7"
start_logged openvpn "$OPENVPN"
log "ok: openvpn logs the same line"
