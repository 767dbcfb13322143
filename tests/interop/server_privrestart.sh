#!/usr/bin/env bash
# A server that dropped privileges (user nobody, group nogroup: the usual
# installer configuration) with a status file, ifconfig-pool-persist and a
# management unix socket, all in a root-owned directory nobody may not
# write: SIGUSR1 and then SIGHUP after a change that cannot apply in place
# (a second verb line) restart it (openvpn 2.6.14 on this config
# survives the SIGUSR1 but exits on the SIGHUP: "--status fails with ...:
# Permission denied"), the openvpn 2.6 client comes back and carries traffic, the status and pool files are
# still written (in place, through the descriptors opened as root) and the
# management socket answers after each restart. First, symlinks planted at
# the state files' paths are not followed.
. "$(dirname "$0")/server_lib.bash"
ns_setup 1
pki_make
# the configuration and keys are read again at a restart, as nobody
chmod 755 "$T" "$T/pki"
chmod 644 "$T"/pki/*
server_conf udp none "tun-mtu 1400" "user nobody" "group nogroup" \
	"management $T/m.sock unix" "explicit-exit-notify 1"
sed -i "s|^ifconfig-pool-persist .*|ifconfig-pool-persist $T/ipp.txt 1|" "$T/server.conf"
client_conf 1 udp none disable-dco "tun-mtu 1400"
# a symlink planted where the state files go is not followed (O_NOFOLLOW):
# the server warns and carries on, the target keeps its content
echo precious >"$T/victim"
ln -s "$T/victim" "$T/status"
ln -s "$T/victim" "$T/ipp.txt"
start_server
wait_for 5 grep -q "Note: cannot open $T/status for WRITE: Too many levels of symbolic links" \
	"$T/server.log" || fail "status symlink followed?"
grep -q "ifconfig-pool-persist: cannot open $T/ipp.txt: Too many levels" "$T/server.log" ||
	fail "pool symlink followed?"
[ "$(cat "$T/victim")" = precious ] || fail "symlink target overwritten"
stop_pid "$SRV_PID"
rm "$T/status" "$T/ipp.txt"
mv "$T/server.log" "$T/server-symlink.log"
start_server
start_client 1 openvpn
wait_client 1
grep -q "dropped privileges to user nobody" "$T/server.log" || fail "no privilege drop"

# up N: the Nth start of the server is up, the client back, traffic flows,
# the state files written since MARK (a file touched before the restart)
up() {
	local n=$1 port=$2
	wait_for 20 bash -c "[ \$(grep -c 'Initialization Sequence Completed' '$T/server.log') -ge $n ]" ||
		fail "server did not come back (start $n)"
	wait_for 30 bash -c "[ \$(grep -c 'Initialization Sequence Completed' '${CLI_LOG[1]}') -ge $n ]" ||
		fail "client did not come back (start $n)"
	wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "ping (start $n)"
	xfer_up 1 2 "$port" || fail "traffic (start $n)"
	wait_for 5 grep -q '^CLIENT_LIST,cli1,' "$T/status" || fail "status without cli1 (start $n)"
	wait_for 5 test "$T/status" -nt "$T/mark" || fail "status file not written (start $n)"
	wait_for 5 grep -q '^cli1,198\.19\.66\.' "$T/ipp.txt" || fail "pool file without cli1 (start $n)"
	wait_for 5 test "$T/ipp.txt" -nt "$T/mark" || fail "pool file not written (start $n)"
	python3 "$LIB_DIR/mgmt_client.py" "$T/m.sock" "send:status 2" "expect:^CLIENT_LIST,cli1," \
		"expect:^END" close >"$T/mgmt$n.out" || fail "management after start $n"
	! grep -q "Permission denied\|cannot write\|cannot open" "$T/server.log" ||
		fail "a state file failed (start $n)"
}
touch -d '1 minute ago' "$T/mark"
up 1 5001
touch "$T/mark"; sleep 1.1
kill -USR1 "$SRV_PID"
up 2 5002
touch "$T/mark"; sleep 1.1
echo "verb 4" >>"$T/server.conf"
kill -HUP "$SRV_PID"
up 3 5003
kill -0 "$SRV_PID" || fail "server exited"
echo "PASS: $CASE"
