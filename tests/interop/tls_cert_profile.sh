#!/usr/bin/env bash
# --tls-cert-profile on a client, dcovpn and openvpn 2.6 side by side on the
# same config, against openvpn 2.6 servers (tls-cert-profile insecure, so
# they load any of these certificates): a server certificate with an RSA
# 1024 key, one signed with SHA1, and the usual P-256 one, each tried with
# no profile and with each of the four. Both clients must agree, and agree
# with OpenVPN's mapping onto OpenSSL security levels: RSA 1024 refused
# under preferred and suiteb only, SHA1 accepted under insecure only,
# P-256 accepted under every profile (suiteb included). Then our own RSA
# 1024 certificate under preferred: both refuse to start.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
d=$T/pki

# weak_cert NAME EXT KEYOPTS... -- X509OPTS...: a server/client certificate
# with the given key, signed by the run's CA
weak_cert() {
	local name=$1 ext=$2 keyopts=() x509opts=()
	shift 2
	while [ "$1" != -- ]; do keyopts+=("$1"); shift; done
	shift
	x509opts=("$@")
	openssl req -newkey "${keyopts[@]}" -nodes -keyout "$d/$name.key" \
		-out "$d/$name.csr" -subj "/CN=ic-$name" 2>/dev/null ||
		fail "openssl req $name"
	openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -out "$d/$name.crt" -extfile "$d/ext.cnf" \
		-extensions "$ext" "${x509opts[@]}" 2>/dev/null ||
		fail "openssl x509 $name"
}
weak_cert rsa1024 srv rsa:1024 -- -sha256
weak_cert sha1 srv ec -pkeyopt ec_paramgen_curve:P-256 -- -sha1
weak_cert crsa1024 cli rsa:1024 -- -sha256
cp "$d/server.crt" "$d/p256.crt"
cp "$d/server.key" "$d/p256.key"

# outcome LOG PID: "ok" (initialized), "refused" (a TLS/verify error, the
# hand-window over, or the process gave up); waits for one of them
outcome() {
	local log=$1 pid=$2
	decided() {
		grep -q -E "Initialization Sequence Completed|VERIFY ERROR|TLS Error|Cannot load|Exiting due to fatal error" "$log" ||
			! kill -0 "$pid" 2>/dev/null
	}
	wait_for 30 decided || { cat "$log"; fail "$log: neither up nor refused in 30 s"; }
	if grep -q "Initialization Sequence Completed" "$log"; then echo ok; else echo refused; fi
}

# run_client BIN LOG: a client on $T/client.conf in the client namespace;
# prints its outcome, then stops it
run_client() {
	local bin=$1 log=$2 pid res
	ip netns exec "$NS_C" "$bin" --config "$T/client.conf" >"$log" 2>&1 &
	pid=$!
	BG_PIDS+=("$pid")
	res=$(outcome "$log" "$pid")
	stop_pid "$pid"
	echo "$res"
}

# try CERT PROFILE WANT: server on CERT, both clients with PROFILE
# ("-": no option); each must end as WANT
try() {
	local cert=$1 prof=$2 want=$3 extra=() got_d got_o
	[ "$prof" = - ] || extra=("tls-cert-profile $prof")
	# the server drops a session it cannot serve before its alert leaves:
	# the client gives up at the end of the hand-window
	client_conf udp 4 none "${extra[@]}" "hand-window 6"
	got_d=$(run_client "$DCOVPN" "$T/d-$cert-$prof.log")
	got_o=$(run_client "$OPENVPN" "$T/o-$cert-$prof.log")
	log "$cert, profile $prof: dcovpn $got_d, openvpn $got_o (want $want)"
	if [ "$got_d" != "$want" ] || [ "$got_o" != "$want" ]; then
		echo "---- dcovpn ----"; tail -n 30 "$T/d-$cert-$prof.log"
		echo "---- openvpn ----"; tail -n 30 "$T/o-$cert-$prof.log"
		fail "$cert under profile $prof: dcovpn $got_d, openvpn $got_o, want $want"
	fi
	if [ "$want" = refused ]; then
		grep -h -m1 -E "VERIFY ERROR|TLS Error|error:" "$T/d-$cert-$prof.log" "$T/o-$cert-$prof.log" |
			sed 's/^/#   /'
	fi
}

serve() { # serve CERT: an openvpn server on that certificate
	stop_pid "$SRV_PID"
	server_conf udp 4 none "tls-cert-profile insecure"
	sed -i "s|^cert .*|cert $d/$1.crt|; s|^key .*|key $d/$1.key|" "$T/server.conf"
	start_server
}

serve rsa1024
try rsa1024 - ok
try rsa1024 insecure ok
try rsa1024 legacy ok
try rsa1024 preferred refused
try rsa1024 suiteb refused
serve sha1
try sha1 - refused
try sha1 insecure ok
try sha1 legacy refused
try sha1 preferred refused
try sha1 suiteb refused
serve p256
try p256 - ok
try p256 insecure ok
try p256 legacy ok
try p256 preferred ok
try p256 suiteb refused

# our own weak certificate: refused as it loads under preferred, fine under legacy
for prof in legacy preferred; do
	client_conf udp 4 none "tls-cert-profile $prof"
	sed -i "s|^cert .*|cert $d/crsa1024.crt|; s|^key .*|key $d/crsa1024.key|" "$T/client.conf"
	want=ok
	[ "$prof" = preferred ] && want=refused
	got_d=$(run_client "$DCOVPN" "$T/d-own-$prof.log")
	got_o=$(run_client "$OPENVPN" "$T/o-own-$prof.log")
	log "own RSA 1024, profile $prof: dcovpn $got_d, openvpn $got_o (want $want)"
	[ "$got_d" = "$want" ] && [ "$got_o" = "$want" ] ||
		{ tail -n 20 "$T/d-own-$prof.log" "$T/o-own-$prof.log"; fail "own RSA 1024 under $prof"; }
done
grep -h -m1 -i -E "key too small|Cannot load|error" "$T/d-own-preferred.log" "$T/o-own-preferred.log" | sed 's/^/#   /'
echo "PASS: $CASE"
