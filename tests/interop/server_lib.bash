# Interop tests of the dcovpn SERVER (sourced by tests/interop/server_*.sh):
# one dcovpn server and several clients (Debian's openvpn 2.6 and dcovpn),
# each in its own namespace, on one bridge.
#
#   namespace s:   bridge 198.18.66.1/24, dcovpn --config server.conf
#   namespace cI:  198.18.66.(10+I)/24, openvpn or dcovpn --config cI.conf
#   tunnel:        198.19.66.0/24 (server .1), fd00:67::/64 (server ::1)
#
# Names carry "sv" and the PID; everything is removed on exit; on failure
# every log is printed. Each case prints one line, PASS/FAIL.
set -euo pipefail

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$LIB_DIR/../.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD=$ROOT/$BUILD
DCOVPN=${DCOVPN:-$BUILD/dcovpn}
OPENVPN=${OPENVPN:-$(command -v openvpn || echo /usr/sbin/openvpn)}
XFER=$ROOT/tests/netns/xfer.py
CASE=${CASE:-$(basename "$0" .sh)}

NS_S=sv-$$-s
BR=svbr$$
UL4_S=198.18.66.1
UL6_S=fd00:66::1
TUN4_S=198.19.66.1
TUN6_S=fd00:67::1
T=$(mktemp -d /tmp/dcovpn-server.XXXXXX)
NS_LIST=()
SRV_PID=
CLI_PIDS=()
CLI_LOG=()
BG_PIDS=()
NCLI=0

. "$(dirname "${BASH_SOURCE[0]}")/../common.bash"

fail() {
	echo "FAIL: $CASE: $*"
	exit 1
}

in_s() { ip netns exec "$NS_S" "$@"; }
in_c() { local i=$1; shift; ip netns exec "sv-$$-c$i" "$@"; }

dump_logs() {
	local f
	for f in "$T"/*.log; do
		[ -f "$f" ] || continue
		echo "---- $(basename "$f") ----"
		tail -n 120 "$f"
	done
	[ -f "$T/status" ] && { echo "---- status ----"; cat "$T/status"; }
	return 0
}

teardown() {
	local rc=$? pid ns
	trap - EXIT INT TERM ERR
	set +e
	{ [ "$rc" -ne 0 ] || [ -n "${VERBOSE:-}" ]; } && dump_logs >&2
	for pid in "${CLI_PIDS[@]}" "${BG_PIDS[@]}"; do
		stop_pid "$pid"
	done
	stop_pid "$SRV_PID"
	wait 2>/dev/null
	if [ "$rc" -eq 0 ] && ! seccomp_deaths "$T"; then
		rc=1
		dump_logs
	fi >&2
	[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*.log "$KEEP_LOGS"/ 2>/dev/null
	for ns in "${NS_LIST[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$T"
	exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# ns_setup N: the server namespace with a bridge, N client namespaces.
ns_setup() {
	local n=$1 i ns
	[ -x "$DCOVPN" ] || fail "$DCOVPN not built"
	[ -x "$OPENVPN" ] || fail "openvpn not installed"
	ip netns add "$NS_S"
	NS_LIST+=("$NS_S")
	in_s ip link set lo up
	in_s ip link add "$BR" type bridge
	in_s ip addr add "$UL4_S/24" dev "$BR"
	in_s ip addr add "$UL6_S/64" dev "$BR" nodad
	in_s ip link set "$BR" up
	for i in $(seq 1 "$n"); do
		ns=sv-$$-c$i
		ip netns add "$ns"
		NS_LIST+=("$ns")
		ip link add "sv$$c$i" netns "$ns" type veth peer name "sv$$b$i" netns "$NS_S"
		in_s ip link set "sv$$b$i" master "$BR" up
		in_c "$i" ip link set lo up
		in_c "$i" ip addr add "198.18.66.$((10 + i))/24" dev "sv$$c$i"
		in_c "$i" ip addr add "fd00:66::$((10 + i))/64" dev "sv$$c$i" nodad
		in_c "$i" ip link set "sv$$c$i" up
	done
	NCLI=$n
	for i in $(seq 1 "$n"); do
		wait_for 10 in_c "$i" ping -c1 -W1 "$UL4_S" || fail "underlay of c$i does not work"
	done
}

# A CA, a server certificate and client certificates cli1..cliN.
pki_make() {
	local d=$T/pki who i
	mkdir -p "$d"
	cat >"$d/ext.cnf" <<-X
	[srv]
	basicConstraints=CA:FALSE
	keyUsage=digitalSignature,keyAgreement
	extendedKeyUsage=serverAuth
	[cli]
	basicConstraints=CA:FALSE
	keyUsage=digitalSignature,keyAgreement
	extendedKeyUsage=clientAuth
	X
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/ca.key" -out "$d/ca.crt" -days 2 -subj "/CN=sv-ca" 2>/dev/null
	for who in server $(seq -f 'cli%g' 1 "$NCLI"); do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$d/$who.key" -out "$d/$who.csr" -subj "/CN=$who" 2>/dev/null
		# clients carry an e-mail address in subjectAltName
		{ cat "$d/ext.cnf"; echo "subjectAltName=email:$who@example.org"; } >"$d/ext-$who.cnf"
		openssl x509 -req -in "$d/$who.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
			-CAcreateserial -days 2 -out "$d/$who.crt" \
			-extfile "$([ "$who" = server ] && echo "$d/ext.cnf" || echo "$d/ext-$who.cnf")" \
			-extensions "$([ "$who" = server ] && echo srv || echo cli)" 2>/dev/null
	done
	# our static key format, read by openvpn clients and our server
	"$DCOVPN" --genkey secret "$d/ta.key" || fail "dcovpn --genkey secret"
}

# crl_setup: a minimal openssl-ca database for the test CA ($T/pki), to
# revoke certificates and issue CRLs with ossl_ca ARGS (openssl ca).
crl_setup() {
	local d=$T/pki
	: >"$d/index.txt"
	echo 01 >"$d/crlnumber"
	cat >"$d/ca.cnf" <<-X
	[ca]
	default_ca = dflt
	[dflt]
	database = $d/index.txt
	crlnumber = $d/crlnumber
	default_md = sha256
	default_crl_days = 2
	X
}

ossl_ca() {
	local d=$T/pki
	openssl ca -config "$d/ca.cnf" -keyfile "$d/ca.key" -cert "$d/ca.crt" "$@" 2>"$T/ossl.log" ||
		{ cat "$T/ossl.log"; fail "openssl ca $*"; }
}

# tls-crypt-v2 keys: the server's made by dcovpn --genkey, one per client
# (v2cI) made from it by openvpn (odd I) and by dcovpn (even I).
v2_keys() {
	local d=$T/pki i
	[ -f "$d/v2server.key" ] && return 0
	"$DCOVPN" --genkey tls-crypt-v2-server "$d/v2server.key" ||
		fail "dcovpn --genkey tls-crypt-v2-server"
	for i in $(seq 1 "$NCLI"); do
		if [ $((i % 2)) = 1 ]; then
			"$OPENVPN" --tls-crypt-v2 "$d/v2server.key" \
				--genkey tls-crypt-v2-client "$d/v2c$i.key" >/dev/null
		else
			"$DCOVPN" --tls-crypt-v2 "$d/v2server.key" \
				--genkey tls-crypt-v2-client "$d/v2c$i.key" ||
				fail "dcovpn --genkey tls-crypt-v2-client"
		fi
	done
}

# server_conf PROTO(udp|tcp) WRAP(none|auth|crypt|v2) [extra lines]
server_conf() {
	local proto=$1 wrap=$2 d=$T/pki l
	shift 2
	cat >"$T/server.conf" <<-X
	# In the style of OpenVPN's sample server.conf
	port 1194
	proto ${proto}4$([ "$proto" = tcp ] && echo -server)
	dev tun
	ca $d/ca.crt
	cert $d/server.crt
	key $d/server.key
	dh none
	topology subnet
	server 198.19.66.0 255.255.255.0
	server-ipv6 fd00:67::/64
	ifconfig-pool-persist $T/ipp.txt
	keepalive 10 120
	persist-key
	persist-tun
	status $T/status 1
	status-version 2
	verb 4
	X
	case $wrap in
	auth) echo "tls-auth $d/ta.key 0" >>"$T/server.conf" ;;
	crypt) echo "tls-crypt $d/ta.key" >>"$T/server.conf" ;;
	v2) v2_keys; echo "tls-crypt-v2 $d/v2server.key" >>"$T/server.conf" ;;
	esac
	for l in "$@"; do echo "$l" >>"$T/server.conf"; done
}

# client_conf I PROTO WRAP [extra lines]: $T/cI.conf for cert cliI.
client_conf() {
	local i=$1 proto=$2 wrap=$3 d=$T/pki l
	shift 3
	cat >"$T/c$i.conf" <<-X
	client
	dev tun
	proto $proto
	remote $UL4_S 1194
	nobind
	persist-key
	persist-tun
	ca $d/ca.crt
	cert $d/cli$i.crt
	key $d/cli$i.key
	remote-cert-tls server
	verb 4
	X
	case $wrap in
	auth) echo "tls-auth $d/ta.key 1" >>"$T/c$i.conf" ;;
	crypt) echo "tls-crypt $d/ta.key" >>"$T/c$i.conf" ;;
	v2) v2_keys; echo "tls-crypt-v2 $d/v2c$i.key" >>"$T/c$i.conf" ;;
	esac
	for l in "$@"; do echo "$l" >>"$T/c$i.conf"; done
}

start_server() {
	rm -f "$T/server.log"  # the background shell truncates it only later
	ip netns exec "$NS_S" "$DCOVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server.log" ||
		fail "dcovpn server did not start"
}

# start_openvpn_server: Debian's openvpn 2.6 as the server on the same
# $T/server.conf (log $T/server-openvpn.log), cli1's tun left behind gone
start_openvpn_server() {
	ip netns exec "sv-$$-c1" ip link del tun0 2>/dev/null || true
	rm -f "$T/server-openvpn.log"  # the background shell truncates it only later
	ip netns exec "$NS_S" /usr/sbin/openvpn --config "$T/server.conf" \
		>"$T/server-openvpn.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server-openvpn.log" ||
		fail "openvpn server did not start"
}

# start_client I KIND(openvpn|openvpn26|dcovpn): openvpn26 is Debian's
# 2.6 even where $OPENVPN is 2.7 (ovpn27.bash)
start_client() {
	local i=$1 kind=$2 bin=$DCOVPN
	[ "$kind" = openvpn ] && bin=$OPENVPN
	[ "$kind" = openvpn26 ] && bin=/usr/sbin/openvpn
	rm -f "$T/c$i-$kind.log"  # the background shell truncates it only later
	ip netns exec "sv-$$-c$i" "$bin" --config "$T/c$i.conf" >"$T/c$i-$kind.log" 2>&1 &
	CLI_PIDS[$i]=$!
	CLI_LOG[$i]=$T/c$i-$kind.log
}

wait_client() {
	local i=$1
	wait_for 30 grep -q "Initialization Sequence Completed" "${CLI_LOG[$i]}" ||
		fail "client c$i did not complete initialization"
}

# start_pair: c1 an openvpn client, c2 a dcovpn client, both up.
start_pair() {
	start_client 1 openvpn
	start_client 2 dcovpn
	wait_client 1
	wait_client 2
}

client_tun4() {
	in_c "$1" ip -4 -o addr show | awk '$2 ~ /^tun/ { split($4, a, "/"); print a[1] }' | head -n1
}

# xfer_up I MB PORT: client I sends MB to the server; sha checked.
xfer_up() {
	local i=$1 mb=$2 port=$3 want got
	head -c "$((mb << 20))" /dev/urandom >"$T/blob$i"
	want="$(stat -c %s "$T/blob$i") $(sha256sum "$T/blob$i" | cut -d' ' -f1)"
	timeout 60 ip netns exec "$NS_S" python3 "$XFER" recv "$TUN4_S" "$port" >"$T/recv$i.out" &
	local rpid=$!
	sleep 0.3
	timeout 60 ip netns exec "sv-$$-c$i" python3 "$XFER" send "$TUN4_S" "$port" "$T/blob$i" ||
		{ echo "send c$i failed"; return 1; }
	wait "$rpid" || { echo "recv for c$i failed"; return 1; }
	got=$(cat "$T/recv$i.out")
	[ "$got" = "$want" ] || { echo "c$i: got '$got', want '$want'"; return 1; }
}

# xfer_down I MB PORT: the server sends MB to client I.
xfer_down() {
	local i=$1 mb=$2 port=$3 want got c4
	c4=$(client_tun4 "$i")
	head -c "$((mb << 20))" /dev/urandom >"$T/dblob$i"
	want="$(stat -c %s "$T/dblob$i") $(sha256sum "$T/dblob$i" | cut -d' ' -f1)"
	timeout 60 ip netns exec "sv-$$-c$i" python3 "$XFER" recv "$c4" "$port" >"$T/drecv$i.out" &
	local rpid=$!
	sleep 0.3
	timeout 60 ip netns exec "$NS_S" python3 "$XFER" send "$c4" "$port" "$T/dblob$i" ||
		{ echo "send to c$i failed"; return 1; }
	wait "$rpid" || { echo "recv on c$i failed"; return 1; }
	got=$(cat "$T/drecv$i.out")
	[ "$got" = "$want" ] || { echo "c$i down: got '$got', want '$want'"; return 1; }
}

# status_has REGEX: the status file has a matching line.
status_has() {
	grep -qE "$1" "$T/status"
}

# status_valid VERSION: every line of the status file fits OpenVPN 2.6's
# format (multi.c): the sections in order, the field count per record.
status_valid() {
	awk -v v="$1" '
	function bad(why) { printf "status line %d: %s: %s\n", NR, why, $0; err = 1; exit 1 }
	BEGIN { FS = (v == 3) ? "\t" : ","; err = 0 }
	v == 1 {
		if (NR == 1) { if ($0 != "OpenVPN CLIENT LIST") bad("title"); next }
		if (NR == 2) { if ($1 != "Updated" || NF != 2) bad("updated"); next }
		if (NR == 3) { if ($0 != "Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since") bad("header"); sec = "c"; next }
		if ($0 == "ROUTING TABLE") { sec = "r0"; next }
		if (sec == "r0") { if ($0 != "Virtual Address,Common Name,Real Address,Last Ref") bad("rt header"); sec = "r"; next }
		if ($0 == "GLOBAL STATS") { sec = "g"; next }
		if ($0 == "END") { end = 1; next }
		if (sec == "c" && (NF != 5 || $3 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/)) bad("client record")
		if (sec == "r" && NF != 4) bad("route record")
		if (sec == "g" && NF != 2) bad("global record")
		next
	}
	{
		if ($1 == "TITLE" && NF == 2) next
		if ($1 == "TIME" && NF == 3 && $3 ~ /^[0-9]+$/) next
		if ($1 == "HEADER" && $2 == "CLIENT_LIST" && NF == 14) next
		if ($1 == "HEADER" && $2 == "ROUTING_TABLE" && NF == 7) next
		if ($1 == "CLIENT_LIST" && NF == 13 && $6 ~ /^[0-9]+$/ && $7 ~ /^[0-9]+$/ && $9 ~ /^[0-9]+$/) next
		if ($1 == "ROUTING_TABLE" && NF == 6 && $6 ~ /^[0-9]+$/) next
		if ($1 == "GLOBAL_STATS" && NF == 3) next
		if ($1 == "END" && NF == 1) { end = 1; next }
		bad("record")
	}
	END { if (!err && !end) { print "status: no END"; exit 1 } }
	' "$T/status"
}

# env_recorder SCRIPT VAR: a client-connect SCRIPT that saves
# $common_name and $VAR, byte for byte, in a pair of files per run under
# $T/env (checked with env_recorded).
env_recorder() {
	mkdir -p "$T/env"
	cat >"$1" <<-X
	#!/bin/sh
	f=\$(mktemp "$T/env/c.XXXXXX")
	printf '%s' "\$common_name" >"\$f"
	printf '%s' "\$$2" >"\$f.var"
	exit 0
	X
	chmod +x "$1"
}

# env_recorded NAME...: the runs env_recorder saw had exactly these names,
# in common_name and in the other variable alike.
env_recorded() {
	python3 - "$T/env" "$@" <<-'X'
	import glob, sys
	d, want = sys.argv[1], sorted(sys.argv[2:])
	cn = sorted(open(f, "rb").read().decode() for f in glob.glob(d + "/c.??????"))
	var = sorted(open(f, "rb").read().decode() for f in glob.glob(d + "/c.*.var"))
	if cn != want or var != want:
	    print("common_name:", cn, "\nother:", var, "\nwant:", want)
	    sys.exit(1)
	X
}

# mgmt_ms: milliseconds for the server's management interface on
# 127.0.0.1:7505 to answer "status" (connection included), at most 15 s.
mgmt_ms() {
	in_s timeout 20 python3 -c '
import socket, time
t = time.time()
s = socket.create_connection(("127.0.0.1", 7505), timeout=15)
s.sendall(b"status\n")
buf = b""
while b"\nEND" not in buf:
    d = s.recv(4096)
    if not d:
        break
    buf += d
print(int((time.time() - t) * 1000))'
}
