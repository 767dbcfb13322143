#!/usr/bin/env bash
# --port-share on a TCP server: the server's port also answers HTTP, as
# when a web server shares 443. A python3 HTTP server listens on
# 127.0.0.1:8000 in the server's namespace; with "port-share 127.0.0.1
# 8000 DIR" an openvpn client still connects and pings through the
# tunnel, a plain HTTP GET to the same port gets the web server's file,
# and while a request is open DIR holds a file named after the relay's
# own address with the real client's address. openvpn 2.6 runs as the
# server first on the same config; dcovpn must give the same answers and
# the same journal shape.
. "$(dirname "$0")/server_lib.bash"
PY=/usr/bin/python3
ns_setup 1
pki_make
mkdir -p "$T/www" "$T/psdir"
head -c 3000 /dev/urandom | base64 >"$T/www/hello.txt"
ip netns exec "$NS_S" $PY -m http.server 8000 --bind 127.0.0.1 --directory "$T/www" \
	>"$T/http.log" 2>&1 &
BG_PIDS+=($!)
wait_for 10 sh -c "ip netns exec $NS_S ss -ltn | grep -q '127.0.0.1:8000 '" || fail "http server"
server_conf tcp crypt "port-share 127.0.0.1 8000 $T/psdir"
client_conf 1 tcp crypt disable-dco

# check_server NAME: the tunnel, a GET through the shared port, the journal
check_server() {
	local who=$1 got
	start_client 1 openvpn
	wait_client 1
	wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "$who: no ping through the tunnel"
	got=$(in_c 1 timeout 10 $PY -c "import urllib.request as u; print(u.urlopen('http://$UL4_S:1194/hello.txt', timeout=5).read().decode(), end='')") ||
		fail "$who: no HTTP answer on the shared port"
	[ "$got" = "$(cat "$T/www/hello.txt")" ] || fail "$who: wrong HTTP answer"
	# a request kept open: its journal file is there meanwhile
	in_c 1 timeout 10 $PY -c "
import socket, time
s = socket.create_connection(('$UL4_S', 1194)); s.send(b'GET / HTTP/1.0\r\n')
print(s.getsockname()[1], flush=True); time.sleep(3)" >"$T/held.port" &
	BG_PIDS+=($!)
	wait_for 5 sh -c "ls '$T/psdir' | grep -q AF_INET" || fail "$who: no journal file"
	ls "$T/psdir" | sed 's/[0-9][0-9]*$/PORT/' >"$T/journal-$who.names"
	cat "$T/psdir"/* >"$T/journal-$who.text"
	grep -qx "\[AF_INET\]198\.18\.66\.11:$(cat "$T/held.port")" "$T/journal-$who.text" ||
		fail "$who: journal says $(cat "$T/journal-$who.text"), not the client"
	wait "${BG_PIDS[-1]}" || true
	wait_for 5 sh -c "! ls '$T/psdir' | grep -q AF_INET" || fail "$who: journal file stays"
	stop_pid "${CLI_PIDS[1]}"
	stop_pid "$SRV_PID"
	SRV_PID=
}

ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/openvpn-server.log" 2>&1 &
SRV_PID=$!
wait_for 10 grep -q "Initialization Sequence Completed" "$T/openvpn-server.log" ||
	fail "openvpn server did not start"
check_server openvpn
start_server
check_server dcovpn
diff "$T/journal-openvpn.names" "$T/journal-dcovpn.names" || fail "journal names differ"
log "journal: $(cat "$T/journal-dcovpn.names") -> $(cat "$T/journal-dcovpn.text")"
echo "PASS: $CASE"
