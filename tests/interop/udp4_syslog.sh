#!/usr/bin/env bash
# UDP/IPv4, tls-auth, client "syslog dcotest": the log goes to syslog (the
# local datagram socket /dev/log) under that name, not to stderr. The test
# runs dcovpn in a private mount namespace whose /dev/log is a stand-in
# syslog daemon; the machine's own /dev is untouched.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
server_conf udp 4 auth
client_conf udp 4 auth "syslog dcotest"
start_server
cat >"$T/inner.sh" <<X
set -e
mkdir -p "$T/realdev"
mount --rbind /dev "$T/realdev"
mount -t tmpfs none /dev
mkdir /dev/net
for n in null zero urandom random net/tun; do
	touch "/dev/\$n"
	mount --bind "$T/realdev/\$n" "/dev/\$n"
done
python3 "$LIB_DIR/syslog_sink.py" /dev/log "$T/syslog.txt" &
echo \$! >"$T/sink.pid"
for i in \$(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
exec ip netns exec "$NS_C" "$DCOVPN" --config "$T/client.conf"
X
unshare -m --propagation private bash "$T/inner.sh" >"$T/client.log" 2>&1 &
CLI_PID=$!
wait_for 10 test -s "$T/sink.pid" || fail "the stand-in syslog did not start"
BG_PIDS+=("$(cat "$T/sink.pid")")
wait_for 30 grep -q "Initialization Sequence Completed" "$T/syslog.txt" ||
	fail "no 'Initialization Sequence Completed' in syslog: $(cat "$T/syslog.txt" 2>/dev/null)"
ping_both
grep -q 'dcotest\[[0-9]*\]: Initialization Sequence Completed' "$T/syslog.txt" ||
	fail "syslog lines lack the name dcotest[pid]: $(head -3 "$T/syslog.txt")"
grep -q "Initialization Sequence Completed" "$T/client.log" &&
	fail "the log went to stderr as well"
log "syslog: $(grep -c . "$T/syslog.txt") lines as dcotest"
echo "PASS: $CASE"
