#!/usr/bin/env bash
# seccomp (base/sandbox.c): once up, every thread of the dcovpn server and
# of a dcovpn client runs under a filter (the kernel's "Seccomp: 2"), the
# server reloads in place on SIGHUP and restarts on SIGUSR1 under it, and
# both clients (openvpn 2.6 and dcovpn) come back and ping. With script-security 2 the control thread
# stays unfiltered (scripts would inherit the filter), the engine threads
# not. (The calls outside the lists end the process: test_sandbox.)
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
server_conf udp crypt "tun-mtu 1400" "explicit-exit-notify 1"
client_conf 1 udp crypt disable-dco "tun-mtu 1400"
client_conf 2 udp crypt "tun-mtu 1400"

# the dcovpn process under "ip netns exec" (it may be that process itself)
real_pid() {
	local p
	p=$(pgrep -P "$1" | head -n1 || true)
	echo "${p:-$1}"
}
# seccomp_of PID: "main:M threads:T1,T2..." (Seccomp mode of each task)
seccomp_of() {
	local pid=$1 t m out=
	for t in /proc/"$pid"/task/*; do
		m=$(awk '/^Seccomp:/ { print $2 }' "$t/status")
		if [ "$(basename "$t")" = "$pid" ]; then
			out="main:$m $out"
		else
			out="${out}t:$m "
		fi
	done
	echo "$out"
}
# all_filtered PID: every thread in mode 2, and more than one thread
all_filtered() {
	local s
	s=$(seccomp_of "$1")
	[[ $s == *"t:2"* ]] && [[ $s != *":0"* ]]
}

start_server
start_client 1 openvpn
start_client 2 dcovpn
for i in 1 2; do wait_client "$i"; done
for i in 1 2; do wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i ping"; done
SPID=$(real_pid "$SRV_PID")
CPID=$(real_pid "${CLI_PIDS[2]}")
grep -q "seccomp: control thread filtered" "$T/server.log" || fail "server: no filter"
wait_for 5 grep -q "seccomp: control thread filtered" "${CLI_LOG[2]}" ||
	fail "dcovpn client: no filter"
log "server threads: $(seccomp_of "$SPID"); client threads: $(seccomp_of "$CPID")"
all_filtered "$SPID" || fail "server threads not all filtered: $(seccomp_of "$SPID")"
all_filtered "$CPID" || fail "client threads not all filtered: $(seccomp_of "$CPID")"

# SIGHUP: the configuration read again (files, ccd digests) and kept in
# place, under the filter
kill -HUP "$SRV_PID"
wait_for 10 grep -q "configuration reloaded in place" "$T/server.log" ||
	fail "no reload in place under the filter"
kill -0 "$SRV_PID" || fail "server died at the reload"
# SIGUSR1: start-up again, under the filter
kill -USR1 "$SRV_PID"
wait_for 15 bash -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/server.log') -ge 2 ]" ||
	fail "server did not come back after SIGUSR1"
kill -0 "$SRV_PID" || fail "server died"
for i in 1 2; do
	wait_for 30 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i: no ping after the server's SIGUSR1"
done
all_filtered "$SPID" || fail "after SIGUSR1: $(seccomp_of "$SPID")"
! grep -q "seccomp: system call" "$T"/*.log || fail "a call was refused"
log "after SIGUSR1: $(seccomp_of "$SPID")"
stop_pid "$SRV_PID"

# With scripts allowed: the control thread is left alone, the engine not.
printf '#!/bin/sh\nexit 0\n' >"$T/learn.sh"
chmod +x "$T/learn.sh"
server_conf udp crypt "tun-mtu 1400" "script-security 2" "learn-address $T/learn.sh"
start_server
SPID=$(real_pid "$SRV_PID")
# (logged just after "Initialization Sequence Completed": wait for it)
wait_for 5 grep -q "seccomp: control thread not filtered (scripts" "$T/server.log" ||
	fail "no word on the unfiltered control thread"
s=$(seccomp_of "$SPID")
[[ $s == *"main:0"* && $s == *"t:2"* ]] || fail "script-security 2: $s"
log "script-security 2: $s"
echo "PASS: $CASE"
