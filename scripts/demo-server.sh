#!/bin/bash
# dcovpn server demo: a dcovpn SERVER and a dcovpn CLIENT over TLS in two
# network namespaces. Certificates (a CA, a server and a client one) and a
# tls-crypt key are made on the fly; the server runs a config in the style
# of OpenVPN's sample server.conf, the client one like its client.conf.
# Then pings both ways (IPv4, IPv6), iperf3 each way, the server's status
# file, and a clean teardown (also on Ctrl-C).
#
#   ns srv  198.18.70.1 ==veth== 198.18.70.2  ns cli          (the "internet")
#   tun0    198.19.70.1    ~~tunnel~~ (pool)     tun0            (the VPN)
#           fd00:71::1                 fd00:71::1000
# Needs root. Env: BUILD (default build), DEMO_SECONDS (iperf3 time, 5).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD=$ROOT/$BUILD
DCOVPN=$BUILD/dcovpn
SECS=${DEMO_SECONDS:-5}
NS_S=dcovpn-sdemo-$$-s
NS_C=dcovpn-sdemo-$$-c
VETH_S=vsd$$s
VETH_C=vsd$$c
TMP=$(mktemp -d /tmp/dcovpn-sdemo.XXXXXX)
SRV_PID=
CLI_PID=
NS_MADE=0

say() { printf '\n== %s\n' "$*"; }
die() { echo "demo-server: $*" >&2; exit 1; }
s() { ip netns exec "$NS_S" "$@"; }
c() { ip netns exec "$NS_C" "$@"; }

stop() {
	local pid=$1 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 30); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	set +e
	if [ "$rc" -ne 0 ]; then
		echo "---- server log ----"; tail -n 40 "$TMP/server.log" 2>/dev/null
		echo "---- client log ----"; tail -n 40 "$TMP/client.log" 2>/dev/null
	fi
	stop "$CLI_PID"
	stop "$SRV_PID"
	wait 2>/dev/null
	if [ "$NS_MADE" = 1 ]; then
		ip netns del "$NS_S" 2>/dev/null
		ip netns del "$NS_C" 2>/dev/null
	fi
	rm -rf "$TMP"
	say "torn down"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.2
	done
}

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
[ -x "$DCOVPN" ] || die "$DCOVPN not built (make BUILD=${BUILD##*/})"

say "namespaces and a veth pair"
ip netns add "$NS_S"
ip netns add "$NS_C"
NS_MADE=1
ip link add "$VETH_S" netns "$NS_S" type veth peer name "$VETH_C" netns "$NS_C"
s ip link set lo up
c ip link set lo up
s ip addr add 198.18.70.1/24 dev "$VETH_S"
c ip addr add 198.18.70.2/24 dev "$VETH_C"
s ip link set "$VETH_S" up
c ip link set "$VETH_C" up
wait_for 10 c ping -c1 -W1 198.18.70.1 || die "veth does not work"

say "certificates on the fly (EC P-256 CA, server, client) and a tls-crypt key"
P=$TMP/pki
mkdir -p "$P"
cat >"$P/ext.cnf" <<X
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
	-keyout "$P/ca.key" -out "$P/ca.crt" -days 1 -subj "/CN=demo-ca" 2>/dev/null
for who in server client; do
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$P/$who.key" -out "$P/$who.csr" -subj "/CN=demo-$who" 2>/dev/null
	openssl x509 -req -in "$P/$who.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" \
		-CAcreateserial -days 1 -out "$P/$who.crt" -extfile "$P/ext.cnf" \
		-extensions "$([ $who = server ] && echo srv || echo cli)" 2>/dev/null
done
# A tls-crypt key is 2048 random bits in OpenVPN's static key format.
{
	echo "-----BEGIN OpenVPN Static key V1-----"
	head -c 256 /dev/urandom | od -An -tx1 -v | tr -d ' \n' | fold -w 32
	echo
	echo "-----END OpenVPN Static key V1-----"
} >"$P/tc.key"

cat >"$TMP/server.conf" <<X
# In the style of OpenVPN's sample server.conf
port 1194
proto udp
dev tun
ca $P/ca.crt
cert $P/server.crt
key $P/server.key
dh none
tls-crypt $P/tc.key
topology subnet
server 198.19.70.0 255.255.255.0
server-ipv6 fd00:71::/64
ifconfig-pool-persist $TMP/ipp.txt
keepalive 10 120
tun-mtu 1400
persist-key
persist-tun
status $TMP/status.log 1
status-version 2
verb 3
explicit-exit-notify 1
X
cat >"$TMP/client.conf" <<X
# In the style of OpenVPN's sample client.conf
client
dev tun
proto udp
remote 198.18.70.1 1194
nobind
persist-key
persist-tun
ca $P/ca.crt
cert $P/client.crt
key $P/client.key
remote-cert-tls server
tls-crypt $P/tc.key
tun-mtu 1400
explicit-exit-notify 1
verb 3
X
say "server: dcovpn --config server.conf"
sed 's/^/    /' "$TMP/server.conf" | grep -v '^    #'
setsid ip netns exec "$NS_S" "$DCOVPN" --config "$TMP/server.conf" >"$TMP/server.log" 2>&1 &
SRV_PID=$!
wait_for 10 grep -q "Initialization Sequence Completed" "$TMP/server.log" || die "server did not start"
say "client: dcovpn --config client.conf"
setsid ip netns exec "$NS_C" "$DCOVPN" --config "$TMP/client.conf" >"$TMP/client.log" 2>&1 &
CLI_PID=$!
wait_for 20 grep -q "Initialization Sequence Completed" "$TMP/client.log" || die "client did not connect"
grep -E "Peer Connection Initiated|Data Channel|PUSH_REPLY|net_addr" "$TMP/client.log" | sed 's/^/    client| /'
grep -E "Peer Connection Initiated|Learn|Data Channel:" "$TMP/server.log" | sed 's/^/    server| /'

C4=$(c ip -4 -o addr show | awk '$2 ~ /^tun/ { split($4, a, "/"); print a[1] }' | head -n1)
say "ping through the tunnel: client -> 198.19.70.1, server -> $C4, IPv6"
wait_for 10 c ping -c1 -W1 198.19.70.1 || die "no ping through the tunnel"
c ping -c3 -i0.2 198.19.70.1 | tail -n2
s ping -c3 -i0.2 "$C4" | tail -n2
wait_for 10 c ping -6 -c1 -W1 fd00:71::1 || die "no IPv6 ping"
c ping -6 -c3 -i0.2 fd00:71::1 | tail -n2

if command -v iperf3 >/dev/null; then
	say "iperf3 ${SECS}s client -> server, then server -> client"
	s iperf3 -s -1 -B 198.19.70.1 -p 5201 >/dev/null 2>&1 &
	ip=$!
	sleep 0.5
	c iperf3 -c 198.19.70.1 -p 5201 -t "$SECS" -f m | grep -E "sender|receiver"
	wait "$ip" 2>/dev/null || true
	s iperf3 -s -1 -B 198.19.70.1 -p 5202 >/dev/null 2>&1 &
	ip=$!
	sleep 0.5
	c iperf3 -c 198.19.70.1 -p 5202 -t "$SECS" -R -f m | grep -E "sender|receiver"
	wait "$ip" 2>/dev/null || true
fi

sleep 1.2
say "the server's status file (status-version 2, OpenVPN's format)"
sed 's/^/    /' "$TMP/status.log"
say "client leaves; the server sees it at once (explicit-exit-notify)"
stop "$CLI_PID"
CLI_PID=
wait_for 5 grep -q "remote-exit\|Connection reset" "$TMP/server.log" &&
	grep -E "remote-exit|client-instance exiting" "$TMP/server.log" | tail -n1 | sed 's/^/    server| /'
