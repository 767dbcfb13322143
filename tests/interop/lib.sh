# Interop tests: dcovpn (client) against Debian's unmodified openvpn 2.6
# (server), sourced by the case scripts (tests/interop/*.sh).
#
#   namespace srv: 198.18.64.1/24 fd00:64::1/64, openvpn --config server.conf
#   namespace cli: 198.18.64.2/24 fd00:64::2/64, dcovpn --config client.conf
#   tunnel:        198.19.64.0/24 (server .1), fd00:65::/64 (server ::1)
#
# A throwaway CA, server and client certificates are made with the openssl
# CLI per run. Names carry "ic" and the PID; everything is removed on exit;
# on failure both logs are printed. Each case prints one line, PASS/FAIL.
set -euo pipefail

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$LIB_DIR/../.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD=$ROOT/$BUILD
DCOVPN=${DCOVPN:-$BUILD/dcovpn}
OPENVPN=${OPENVPN:-$(command -v openvpn || echo /usr/sbin/openvpn)}
XFER=$ROOT/tests/netns/xfer.py
CASE=${CASE:-$(basename "$0" .sh)}

NS_S=ic-$$-s
NS_C=ic-$$-c
VETH_S=vic$$s
VETH_C=vic$$c
UL4_S=198.18.64.1
UL4_C=198.18.64.2
UL6_S=fd00:64::1
UL6_C=fd00:64::2
TUN4_S=198.19.64.1
TUN6_S=fd00:65::1
T=$(mktemp -d /tmp/dcovpn-interop.XXXXXX)
NS_MADE=0
SRV_PID=
CLI_PID=
BG_PIDS=()

. "$(dirname "${BASH_SOURCE[0]}")/../common.bash"

fail() {
	echo "FAIL: $CASE: $*"
	exit 1
}

in_s() { ip netns exec "$NS_S" "$@"; }
in_c() { ip netns exec "$NS_C" "$@"; }

dump_logs() {
	local f
	for f in "$T"/server.log "$T"/client.log; do
		[ -f "$f" ] || continue
		echo "---- $(basename "$f") ----"
		tail -n 150 "$f"
	done
}

teardown() {
	local rc=$? pid
	trap - EXIT INT TERM ERR
	set +e
	{ [ "$rc" -ne 0 ] || [ -n "${VERBOSE:-}" ]; } && dump_logs >&2
	[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*.log "$KEEP_LOGS"/ 2>/dev/null
	stop_pid "$CLI_PID"
	stop_pid "$SRV_PID"
	for pid in "${BG_PIDS[@]}"; do
		stop_pid "$pid"
	done
	wait 2>/dev/null
	if [ "$rc" -eq 0 ] && ! seccomp_deaths "$T"; then
		rc=1
		dump_logs
	fi >&2
	if [ "$NS_MADE" = 1 ]; then
		ip netns del "$NS_S" 2>/dev/null
		ip netns del "$NS_C" 2>/dev/null
		rm -rf "/etc/netns/$NS_S" "/etc/netns/$NS_C"
	fi
	rm -rf "$T"
	exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

ns_setup() {
	[ -x "$DCOVPN" ] || fail "$DCOVPN not built"
	[ -x "$OPENVPN" ] || fail "openvpn not installed"
	ip netns add "$NS_S"
	ip netns add "$NS_C"
	NS_MADE=1
	ip link add "$VETH_S" netns "$NS_S" type veth peer name "$VETH_C" netns "$NS_C"
	in_s ip link set lo up
	in_c ip link set lo up
	in_s ip addr add "$UL4_S/24" dev "$VETH_S"
	in_c ip addr add "$UL4_C/24" dev "$VETH_C"
	in_s ip addr add "$UL6_S/64" dev "$VETH_S" nodad
	in_c ip addr add "$UL6_C/64" dev "$VETH_C" nodad
	in_s ip link set "$VETH_S" up
	in_c ip link set "$VETH_C" up
	wait_for 10 in_c ping -c1 -W1 "$UL4_S" || fail "veth IPv4 does not work"
	wait_for 10 in_c ping -6 -c1 -W1 "$UL6_S" || fail "veth IPv6 does not work"
}

# ns_hosts NETNS LINE...: the namespace's own /etc/hosts (ip netns exec
# mounts /etc/netns/NETNS/hosts over it). Written in place, so a process
# already running sees the new names; removed with the namespaces.
ns_hosts() {
	local ns=$1
	shift
	mkdir -p "/etc/netns/$ns"
	printf '%s\n' "$@" >"/etc/netns/$ns/hosts"
}

# A CA, a server certificate (serverAuth) and a client one (clientAuth).
pki_make() {
	local d=$T/pki
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
		-keyout "$d/ca.key" -out "$d/ca.crt" -days 2 -subj "/CN=ic-ca" 2>/dev/null
	local who
	for who in server client; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$d/$who.key" -out "$d/$who.csr" -subj "/CN=ic-$who" 2>/dev/null
		openssl x509 -req -in "$d/$who.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
			-CAcreateserial -days 2 -out "$d/$who.crt" -extfile "$d/ext.cnf" \
			-extensions "$([ $who = server ] && echo srv || echo cli)" 2>/dev/null
	done
	"$OPENVPN" --genkey secret "$d/ta.key" >/dev/null
	"$OPENVPN" --genkey tls-crypt-v2-server "$d/v2srv.key" >/dev/null
	if [ -n "${V2CLI_BY_DCOVPN:-}" ]; then
		# our WKc, unwrapped by the openvpn server
		"$DCOVPN" --tls-crypt-v2 "$d/v2srv.key" --genkey tls-crypt-v2-client \
			"$d/v2cli.key" "ZGNvdnBuIHRlc3Q=" || fail "dcovpn --genkey tls-crypt-v2-client"
	else
		"$OPENVPN" --tls-crypt-v2 "$d/v2srv.key" --genkey tls-crypt-v2-client \
			"$d/v2cli.key" >/dev/null
	fi
}

# server_conf PROTO(udp|tcp) FAMILY(4|6) WRAP(none|auth|crypt) [extra lines]
server_conf() {
	local proto=$1 fam=$2 wrap=$3
	shift 3
	local d=$T/pki p=$proto
	[ "$fam" = 6 ] && p=${proto}6
	[ "$proto" = tcp ] && p=tcp$([ "$fam" = 6 ] && echo 6 || echo 4)-server
	[ "$proto" = udp ] && [ "$fam" = 4 ] && p=udp4
	cat >"$T/server.conf" <<-X
	# In the style of OpenVPN's sample server.conf
	port 1194
	proto $p
	dev tun
	ca $d/ca.crt
	cert $d/server.crt
	key $d/server.key
	dh none
	topology subnet
	server 198.19.64.0 255.255.255.0
	server-ipv6 fd00:65::/64
	keepalive 10 120
	persist-key
	persist-tun
	verb 4
	disable-dco
	X
	case $wrap in
	auth) echo "tls-auth $d/ta.key 0" >>"$T/server.conf" ;;
	crypt) echo "tls-crypt $d/ta.key" >>"$T/server.conf" ;;
	crypt2) echo "tls-crypt-v2 $d/v2srv.key" >>"$T/server.conf" ;;
	esac
	[ "$proto" = udp ] && echo "explicit-exit-notify 1" >>"$T/server.conf"
	local l
	for l in "$@"; do echo "$l" >>"$T/server.conf"; done
}

# client_conf PROTO FAMILY WRAP [extra lines]
client_conf() {
	local proto=$1 fam=$2 wrap=$3
	shift 3
	local d=$T/pki host=$UL4_S
	[ "$fam" = 6 ] && host=$UL6_S
	cat >"$T/client.conf" <<-X
	# In the style of OpenVPN's sample client.conf
	client
	dev tun
	proto $proto
	remote $host 1194
	resolv-retry infinite
	nobind
	persist-key
	persist-tun
	ca $d/ca.crt
	cert $d/client.crt
	key $d/client.key
	remote-cert-tls server
	verb 4
	X
	case $wrap in
	auth) echo "tls-auth $d/ta.key 1" >>"$T/client.conf" ;;
	crypt) echo "tls-crypt $d/ta.key" >>"$T/client.conf" ;;
	crypt2) echo "tls-crypt-v2 $d/v2cli.key" >>"$T/client.conf" ;;
	esac
	local l
	for l in "$@"; do echo "$l" >>"$T/client.conf"; done
}

# start_pair SERVER_BIN CLIENT_BIN LABEL: both ends on $T/server.conf and
# $T/client.conf until each logs its initialization; sets SRV_PID, CLI_PID.
start_pair() {
	rm -f "$T/server.log" "$T/client.log"	# an earlier run's lines must not count
	ip netns exec "$NS_S" "$1" --config "$T/server.conf" >"$T/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 15 grep -q "Initialization Sequence Completed" "$T/server.log" ||
		fail "$3: server did not start"
	ip netns exec "$NS_C" "$2" --config "$T/client.conf" >"$T/client.log" 2>&1 &
	CLI_PID=$!
	wait_for 30 grep -q "Initialization Sequence Completed" "$T/client.log" ||
		fail "$3: client did not connect"
}

# P2P TLS mode (no --mode server): p2p_server_conf [extra lines] writes
# $T/server.conf for openvpn --tls-server; p2p_client_lines prints the
# client's matching lines (both with --ifconfig and tls-crypt).
p2p_server_conf() {
	local d=$T/pki l
	printf '%s\n' "dev tun" "proto udp4" "port 1194" tls-server "ca $d/ca.crt" \
		"cert $d/server.crt" "key $d/server.key" "dh none" "tls-crypt $d/ta.key" \
		"ifconfig $TUN4_S 198.19.64.2" disable-dco >"$T/server.conf"
	for l in "$@"; do echo "$l" >>"$T/server.conf"; done
}

p2p_client_lines() {
	local d=$T/pki
	printf '%s\n' "dev tun" "proto udp" "remote $UL4_S 1194" tls-client "ca $d/ca.crt" \
		"cert $d/client.crt" "key $d/client.key" "remote-cert-tls server" \
		"tls-crypt $d/ta.key" "ifconfig 198.19.64.2 $TUN4_S"
}

# frag_creates NETNS: IP fragments the namespace's stack has made so far
# (an outer datagram bigger than the link MTU: the MSS clamp was too high).
frag_creates() {
	ip netns exec "$1" awk '/^Ip:/ { if (!n) { for (i = 1; i <= NF; i++)
		if ($i == "FragCreates") c = i; n = 1 } else print $c }' /proc/net/snmp
}

# static_conf FILE KEYDIR OWN_TUN PEER_TUN [lines...]: a static key peer
# (--secret with this run's key file in direction KEYDIR), UDP/IPv4,
# --ifconfig OWN_TUN PEER_TUN, keepalive 2 20, verb 4, then the lines.
static_conf() {
	local f=$1 dir=$2 own=$3 peer=$4 l
	shift 4
	printf '%s\n' "dev tun" "proto udp4" "secret $T/pki/ta.key $dir" \
		"ifconfig $own $peer" "keepalive 2 20" "verb 4" >"$f"
	for l in "$@"; do echo "$l" >>"$f"; done
}

# start_p2p_pair: openvpn --tls-server on $T/server.conf, then dcovpn on
# $T/client.conf; both ends complete initialization.
start_p2p_pair() {
	rm -f "$T/server.log"  # the background shell truncates it only later
	ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "UDPv4 link local" "$T/server.log" || fail "openvpn did not start"
	start_client
	wait_for 20 grep -q "Initialization Sequence Completed" "$T/server.log" ||
		fail "the openvpn peer did not complete initialization"
}

start_server() {
	rm -f "$T/server.log"  # the background shell truncates it only later
	ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server.log" ||
		fail "openvpn server did not start"
}

start_client() {
	# gone first: the background shell truncates it only later, and an
	# earlier run's "Initialization Sequence Completed" must not count
	rm -f "$T/client.log"
	ip netns exec "$NS_C" "$DCOVPN" --config "$T/client.conf" >"$T/client.log" 2>&1 &
	CLI_PID=$!
	wait_for "${CLIENT_WAIT:-30}" grep -q "Initialization Sequence Completed" "$T/client.log" ||
		fail "dcovpn did not complete initialization"
}

# The client's tunnel address as the server assigned it.
client_tun4() {
	in_c ip -4 -o addr show | awk '$2 ~ /^tun/ { split($4, a, "/"); print a[1] }' | head -n1
}

ping_both() {
	local c4
	c4=$(client_tun4)
	[ -n "$c4" ] || fail "no tunnel address on the client"
	wait_for 15 in_c ping -c1 -W1 "$TUN4_S" || fail "client -> server ping through the tunnel"
	in_c ping -c3 -i0.2 -W2 "$TUN4_S" >/dev/null || fail "client -> server pings lost"
	in_s ping -c3 -i0.2 -W2 "$c4" >/dev/null || fail "server -> client ping through the tunnel"
}

ping6_both() {
	wait_for 10 in_c ping -6 -c1 -W1 "$TUN6_S" || fail "client -> server IPv6 ping in the tunnel"
}

# transfer MB DIR(up|down): send MB megabytes through the tunnel, check SHA-256.
transfer() {
	local mb=$1 dir=$2 port=$((5000 + RANDOM % 1000)) got want c4
	head -c "$((mb << 20))" /dev/urandom >"$T/blob"
	want="$(stat -c %s "$T/blob") $(sha256sum "$T/blob" | cut -d' ' -f1)"
	c4=$(client_tun4)
	if [ "$dir" = up ]; then
		timeout 60 ip netns exec "$NS_S" python3 "$XFER" recv "$TUN4_S" "$port" >"$T/recv.out" &
		BG_PIDS+=($!)
		sleep 0.3
		timeout 60 ip netns exec "$NS_C" python3 "$XFER" send "$TUN4_S" "$port" "$T/blob" ||
			fail "transfer up: send failed"
	else
		timeout 60 ip netns exec "$NS_C" python3 "$XFER" recv "$c4" "$port" >"$T/recv.out" &
		BG_PIDS+=($!)
		sleep 0.3
		timeout 60 ip netns exec "$NS_S" python3 "$XFER" send "$c4" "$port" "$T/blob" ||
			fail "transfer down: send failed"
	fi
	wait "${BG_PIDS[-1]}" || fail "transfer $dir: receiver failed"
	got=$(cat "$T/recv.out")
	[ "$got" = "$want" ] || fail "transfer $dir: got '$got', want '$want'"
}

# The usual case: up, pings both ways, MB up and down.
run_basic() {
	local proto=$1 fam=$2 wrap=$3 mb=${MB:-50}
	shift 3
	ns_setup
	pki_make
	server_conf "$proto" "$fam" "$wrap" "${SERVER_EXTRA[@]}"
	client_conf "$proto" "$fam" "$wrap" "${CLIENT_EXTRA[@]}"
	start_server
	start_client
	ping_both
	transfer "$mb" up
	transfer "$mb" down
}

# iperf_listening PORT: wait for the server namespace's iperf3 -s on PORT
# (iperf3's client does not retry a refused connection).
iperf_listening() {
	wait_for 10 sh -c "ip netns exec '$NS_S' ss -Hltn 'sport = :$1' | grep -q ." ||
		fail "iperf3 server not listening on port $1"
}

# udp_drops: "DROPPED RECEIVED", the UDP datagrams the kernel dropped
# for a full receive buffer and those it delivered, both namespaces.
udp_drops() {
	local ns
	for ns in "$NS_S" "$NS_C"; do
		ip netns exec "$ns" awk '/^Udp:/ && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
			/^Udp:/ { print $c["RcvbufErrors"], $c["InDatagrams"] }' /proc/net/snmp
	done | awk '{ d += $1; r += $2 } END { print d + 0, r + 0 }'
}

# reneg_loss_ok LOSS DROPS_BEFORE DROPS_AFTER: the pings lost are within
# 2%, plus twice the share of datagrams the kernel dropped in between for
# a full socket buffer (a peer starved of CPU, openvpn's single thread
# most: not the tunnel's loss, and pings share that socket).
reneg_loss_ok() {
	local limit
	limit=$(awk -v b="$2" -v a="$3" 'BEGIN { split(b, x, " "); split(a, y, " ")
		d = y[1] - x[1]; r = y[2] - x[2]
		printf "%.2f", 2 + (d + r > 0 ? 200 * d / (d + r) : 0) }')
	log "ping loss $1%, limit $limit% (socket buffer drops before/after: $2 / $3)"
	awk -v l="$1" -v m="$limit" 'BEGIN { exit !(l <= m) }'
}

# run_reneg PROTO WHO(server|client): "reneg-sec 10" on WHO, 26 s of
# iperf3 at 20 Mbit/s plus pings across the renegotiations: no second
# without data, pings answered, both logs show the renegotiations.
run_reneg() {
	local proto=$1 who=$2 secs=${RENEG_SECS:-26} stalls loss n_cli n_srv ping_pid
	local srv=() cli=() drops0
	local rs=${RENEG_SEC:-10}
	[ "$who" = server ] && srv=("reneg-sec $rs") || cli=("reneg-sec $rs")
	# openvpn's one thread, starved of CPU, overflowed its 208 KiB socket
	# buffer under dcovpn's GSO trains (3-5% of datagrams, pings with
	# them): a buffer as large as the kernel allows; reneg_loss_ok counts
	# what is dropped still
	[ "$proto" = udp ] && srv+=("rcvbuf 4194304")
	ns_setup
	pki_make
	server_conf "$proto" 4 crypt "${srv[@]}"
	client_conf "$proto" 4 crypt "${cli[@]}"
	start_server
	start_client
	ping_both
	command -v iperf3 >/dev/null || fail "iperf3 not installed"
	in_s timeout $((secs + 20)) iperf3 -s -1 -B "$TUN4_S" -p 5201 >"$T/iperf-s.log" 2>&1 &
	BG_PIDS+=($!)
	iperf_listening 5201
	drops0=$(udp_drops)
	in_c timeout $((secs + 10)) ping -i 0.2 -c $((secs * 5)) -W 2 "$TUN4_S" >"$T/ping.log" 2>&1 &
	ping_pid=$!
	BG_PIDS+=($ping_pid)
	in_c timeout $((secs + 15)) iperf3 -c "$TUN4_S" -p 5201 -t "$secs" -b 20M -i 1 \
		-f m >"$T/iperf-c.log" 2>&1 || { cat "$T/iperf-c.log"; fail "iperf3 failed"; }
	wait "$ping_pid" || true
	# A stalled second shows as 0.00 Mbits/sec in the per-second report.
	stalls=$(grep -E '^\[ *[0-9]+\] +[0-9.]+-[0-9.]+ +sec' "$T/iperf-c.log" |
		grep -v sender | grep -v receiver | awk '$7 + 0 == 0' | wc -l)
	[ "$stalls" -eq 0 ] || { cat "$T/iperf-c.log"; fail "$stalls stalled second(s)"; }
	loss=$(grep -oE '[0-9.]+% packet loss' "$T/ping.log" | cut -d% -f1)
	reneg_loss_ok "$loss" "$drops0" "$(udp_drops)" || { cat "$T/ping.log"; fail "ping loss $loss%"; }
	n_cli=$(grep -c "soft reset of key-id" "$T/client.log" || true)
	# One "Control Channel:" line per TLS handshake; the first is the start.
	n_srv=$(($(grep -c "Control Channel: TLSv" "$T/server.log" || true) - 1))
	[ "$n_cli" -ge 2 ] || fail "client log shows $n_cli renegotiations"
	[ "$n_srv" -ge 2 ] || fail "server log shows $n_srv renegotiations"
	transfer "${MB:-20}" up
	log "renegotiations: client $n_cli, server $n_srv; ping loss $loss%"
}

# hostile_from_server PORT [--any]: while the server pings the client,
# capture 20 of its packets to $UL4_C:PORT and inject replays, tampered
# copies and junk from the server's address (tests/netns/pkt.py; --any:
# every datagram is data, static key mode). Sets replayed= tampered=
# forged= short= random=; the tunnel must still carry pings afterwards.
hostile_from_server() {
	local port=$1 pkt_pid
	shift
	# the pings start once the capture is open (python starts slowly on
	# a loaded machine)
	in_s timeout 60 python3 "$ROOT/tests/netns/pkt.py" "$@" --ready "$T/pkt.ready" \
		"$VETH_S" "$UL4_C" "$port" 20 >"$T/pkt.out" 2>"$T/pkt.log" &
	pkt_pid=$!
	BG_PIDS+=($pkt_pid)
	wait_for 30 test -e "$T/pkt.ready" ||
		fail "pkt.py did not open its capture: $(cat "$T/pkt.log")"
	in_s ping -c 200 -i 0.05 -W1 "$(client_tun4)" >/dev/null &
	BG_PIDS+=($!)
	wait "$pkt_pid" || fail "pkt.py failed: $(cat "$T/pkt.log")"
	log "injected: $(cat "$T/pkt.out")"
	eval "$(cat "$T/pkt.out")"
	in_c ping -c3 -i0.2 -W2 "$TUN4_S" >/dev/null || fail "ping after the hostile packets"
}

# client_drops_cover: stop dcovpn; the engine's counters it logs at exit
# show at least $tampered authentication and $replayed replay drops.
client_drops_cover() {
	local line dec rep
	stop_pid "$CLI_PID"
	line=$(grep "engine: link rx" "$T/client.log" | tail -n1)
	log "$line"
	dec=$(sed -n 's/.* decrypt \([0-9]*\) .*/\1/p' <<<"$line")
	rep=$(sed -n 's/.* replay \([0-9]*\) .*/\1/p' <<<"$line")
	[ "${dec:-0}" -ge "$tampered" ] || fail "decrypt drops $dec < $tampered tampered packets"
	[ "${rep:-0}" -ge "$replayed" ] || fail "replay drops $rep < $replayed replays"
}

SERVER_EXTRA=()
CLIENT_EXTRA=()

# start_private_bus: a private D-Bus system bus at $T/dbus/system_bus_socket
# that lets anyone own and call anything (the NetworkManager tests).
start_private_bus() {
	mkdir -p "$T/dbus"
	cat >"$T/bus.conf" <<X
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$T/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
X
	dbus-daemon --config-file="$T/bus.conf" --nofork --nopidfile >"$T/dbus.log" 2>&1 &
	BG_PIDS+=($!)
	wait_for 10 test -S "$T/dbus/system_bus_socket" || fail "dbus-daemon did not start"
}
