#!/bin/bash
# dcovpn benchmark: every tunnel side by side on this machine, in one go.
#
# Each case gets its own pair of network namespaces ("s" = server end, "c" =
# client end) joined by one veth pair; the tunnel (if any) runs over that
# veth, and iperf3/ping run through it. See bench/README.md for how to read
# the output. Raw results go to $BENCH_OUT/raw/<case>/, then bench/report.py
# prints the table and writes results.csv, results.md and results.png.
#
# Knobs (environment):
#   BUILD           build directory holding dcovpn-cli / dcovpn (default: build)
#   BENCH_SECONDS   length of each iperf3 run (default 10)
#   BENCH_PINGS     pings through the idle tunnel, 0.2 s apart (default 20)
#   BENCH_REPEAT    rounds of all iperf3 runs; the median round counts (default 1)
#   BENCH_CASES     which cases, in order (default: veth openvpn wggo wggo25
#                   dcocli dcocli_ossl dcocli_none dcod; wggo25 is
#                   wireguard-go's 2025 release (scripts/wireguard-go25.sh),
#                   dcocli_ossl dcovpn-cli on OpenSSL's AEAD (dcocli: the
#                   automatic backend); dcocli_none is dcovpn-cli without a
#                   cipher, the no-crypto stage of the ceiling estimate;
#                   TCP transport too: openvpn_tcp dcocli_tcp; dcod_ovpn:
#                   the daemon as client of Debian's OpenVPN; dcod26: the
#                   daemon in the 2.6 data format, dcod having negotiated
#                   2.7's epoch data keys)
#   BENCH_CIPHER    data cipher of the OpenVPN and daemon cases (default
#                   AES-256-GCM; AES-256-CBC measures the legacy data channel)
#   BENCH_AUTH      their --auth (HMAC of CBC ciphers; default: none given)
#   BENCH_OUT       output folder (default: bench/out)
#   BENCH_DCOCLI_ARGS  extra options put in front of dcovpn-cli's positionals
#   BENCH_DCOCLI_WRAP  command to run dcovpn-cli under (e.g. gdb -batch ...)
#   BENCH_DCOD_SERVER_LINES  a line added to the daemon cases' server
#                   config (e.g. "multihome": what an option costs there)
#   BENCH_NO_INSTALL=1 do not run bench/install-deps.sh
#   BENCH_PUBLISH=1    also copy results.{md,csv,png} to bench/latest/
#   BENCH_PERF="dcocli ..."  after the measured runs, profile these cases'
#                   tunnel processes with perf during one TCP x1 run each way
#
# Addresses: underlay 198.18.<n>.1 (s) / .2 (c), tunnel 198.19.<n>.1 / .2,
# n = case number. Nothing leaves the namespaces made here.

set -u
set -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SECS=${BENCH_SECONDS:-10}
PINGS=${BENCH_PINGS:-20}
REPEAT=${BENCH_REPEAT:-1}
CASES=${BENCH_CASES:-"veth openvpn wggo wggo25 dcocli dcocli_ossl dcocli_none dcod"}
OUT=${BENCH_OUT:-$HERE/out}
CIPHER=${BENCH_CIPHER:-AES-256-GCM}
AUTH_LINE=${BENCH_AUTH:+auth $BENCH_AUTH}
TAG=bn$$                      # short: interface names must fit in 15 chars
PORT=1194
IPERF_PORT=5201

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
case $SECS in ''|*[!0-9]*) die "BENCH_SECONDS must be a whole number" ;; esac
[ "$SECS" -ge 1 ] || die "BENCH_SECONDS must be >= 1"
case $PINGS in ''|*[!0-9]*) die "BENCH_PINGS must be a whole number" ;; esac
case $REPEAT in ''|0|*[!0-9]*) die "BENCH_REPEAT must be >= 1" ;; esac
if [ "${BENCH_NO_INSTALL:-0}" != 1 ]; then
	"$HERE/install-deps.sh" || die "installing dependencies failed"
fi
for t in ip iperf3 ping openssl python3 timeout; do
	command -v $t >/dev/null || die "missing tool: $t"
done

WORK=$(mktemp -d /tmp/dcovpn-bench.XXXXXX)
MY_PIDS=""                    # every background process started here
MY_NS=""                      # every namespace made here

# --- teardown --------------------------------------------------------------

kill_pids() {
	local p n
	[ $# -eq 0 ] && return 0
	kill -TERM "$@" 2>/dev/null
	for n in $(seq 50); do            # up to 5 s for a clean exit
		local alive=""
		for p in "$@"; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
		[ -z "$alive" ] && return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL $alive 2>/dev/null
	return 0
}

forget_pids() {
	local p keep=""
	for p in $MY_PIDS; do
		case " $* " in *" $p "*) ;; *) keep="$keep $p" ;; esac
	done
	MY_PIDS=$keep
}

# del_ns NS: end what still runs in a namespace made here (children of what
# was started here, e.g. under a BENCH_DCOCLI_WRAP wrapper), then delete it.
del_ns() {
	[ -n "$1" ] || return 0
	# shellcheck disable=SC2046
	kill_pids $(ip netns pids "$1" 2>/dev/null)
	ip netns del "$1" 2>/dev/null
}

teardown() {
	local ns
	# shellcheck disable=SC2086
	kill_pids $MY_PIDS
	MY_PIDS=""
	for ns in $MY_NS; do del_ns "$ns"; done
	MY_NS=""
	rm -f /var/run/wireguard/${TAG}* 2>/dev/null
}

on_exit() {
	teardown
	rm -rf "$WORK"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# --- helpers ---------------------------------------------------------------

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds, bounded.
wait_for() {
	local limit=$(( $1 * 10 )) _
	shift
	for _ in $(seq "$limit"); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# alive PID...: all given processes still run.
alive() {
	local p
	for p in "$@"; do kill -0 "$p" 2>/dev/null || return 1; done
	return 0
}

# cpu_ticks PID...: utime+stime of the processes (all threads), in ticks.
cpu_ticks() {
	local p sum=0 st rest
	for p in "$@"; do
		st=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		rest=${st##*) }               # comm may hold spaces: cut after ')'
		# shellcheck disable=SC2086
		set -- $rest
		sum=$(( sum + ${12} + ${13} ))
	done
	echo "$sum"
}

# sys_ticks: busy CPU ticks of the whole machine, all CPUs (user, nice,
# system, irq, softirq, steal of /proc/stat): catches work the kernel does
# outside the tunnel processes (softirq, GSO/GRO, veth) and iperf3 itself.
sys_ticks() {
	local _cpu user nice system _idle _iowait irq softirq steal _rest
	read -r _cpu user nice system _idle _iowait irq softirq steal _rest </proc/stat
	echo $(( user + nice + system + irq + softirq + steal ))
}

# udp_drops NS [all|others]: datagrams dropped for a full receive buffer in
# namespace NS: "all" from the kernel's counter (RcvbufErrors), "others"
# summed over the UDP sockets open now that are not iperf3's (the tunnel's
# own socket): the difference over a test is what iperf3's socket dropped.
udp_drops() {
	if [ "$2" = all ]; then
		# shellcheck disable=SC2016
		ip netns exec "$1" awk '/^Udp: [0-9]/ { print $6; exit }' /proc/net/snmp
		return
	fi
	ip netns exec "$1" ss -uanm 2>/dev/null | awk -v port=":$IPERF_PORT" '
		$1 ~ /^(UNCONN|ESTAB)$/ { mine = ($4 !~ port "$"); next }
		mine && match($0, /,d[0-9]+\)/) {
			sum += substr($0, RSTART + 2, RLENGTH - 3) }
		END { print sum + 0 }'
}

# Start a command in namespace $1 in the background; log to $2.
# Sets BG_PID. `ip netns exec` execs, so the PID is the program's own.
bg_in() {
	local ns=$1 logf=$2
	shift 2
	ip netns exec "$ns" "$@" >"$logf" 2>&1 </dev/null &
	BG_PID=$!
	MY_PIDS="$MY_PIDS $BG_PID"
}

ping_ok() { ip netns exec "$1" ping -c 1 -W 1 "$2"; }
listening() { ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .; }

# --- one pair of namespaces per case ---------------------------------------

# setup_pair N: namespaces NS_S/NS_C, veth between, underlay U_S/U_C,
# tunnel addresses T_S/T_C chosen for case number N.
setup_pair() {
	local n=$1
	NS_S=bench-$$-$n-s
	NS_C=bench-$$-$n-c
	U_S=198.18.$n.1 U_C=198.18.$n.2
	T_S=198.19.$n.1 T_C=198.19.$n.2
	ip netns add "$NS_S" || return 1
	MY_NS="$MY_NS $NS_S"
	ip netns add "$NS_C" || return 1
	MY_NS="$MY_NS $NS_C"
	ip link add "${TAG}v${n}s" netns "$NS_S" type veth \
		peer name "${TAG}v${n}c" netns "$NS_C" || return 1
	ip -n "$NS_S" addr add "$U_S/24" dev "${TAG}v${n}s" &&
	ip -n "$NS_C" addr add "$U_C/24" dev "${TAG}v${n}c" &&
	ip -n "$NS_S" link set lo up && ip -n "$NS_C" link set lo up &&
	ip -n "$NS_S" link set "${TAG}v${n}s" up &&
	ip -n "$NS_C" link set "${TAG}v${n}c" up || return 1
	wait_for 10 ping_ok "$NS_C" "$U_S"
}

# --- tunnels: each start_<case> sets TUN_PIDS, TARGET, TUN_DEV_C or fails
# with REASON set. They run in the case's namespaces. ------------------------

start_veth() {
	TUN_PIDS="" TARGET=$U_S TUN_DEV_C=${TAG}v${CASE_N}c
	NOTE="no tunnel: the ceiling"
}

make_pki() {
	local d=$WORK/pki
	[ -f "$d/cli.crt" ] && return 0
	mkdir -p "$d" || return 1
	(
		cd "$d" || exit 1
		printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' >srv.ext
		printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n' >cli.ext
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=bench-ca || exit 1
		for who in srv cli; do
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
				-nodes -keyout $who.key -out $who.csr -subj /CN=bench-$who &&
			openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key \
				-CAcreateserial -days 2 -extfile $who.ext -out $who.crt ||
			exit 1
		done
	) >"$WORK/pki.log" 2>&1
}

# ovpn_conf ROLE [udp|tcp]: an OpenVPN-syntax point-to-point TLS config for
# one end. Over TCP the server end listens and the client end connects.
ovpn_conf() {
	local role=$1 proto=${2:-udp} d=$WORK/pki
	if [ "$role" = srv ]; then
		echo "tls-server"
		echo "local $U_S"; echo "ifconfig $T_S $T_C"
		echo "dh none"
		echo "lport $PORT"
		if [ "$proto" = udp ]; then
			echo "proto udp"; echo "remote $U_C"; echo "rport $PORT"
		else
			echo "proto tcp-server"
		fi
	else
		echo "tls-client"
		echo "ifconfig $T_C $T_S"
		echo "remote-cert-tls server"
		echo "remote $U_S"; echo "rport $PORT"
		if [ "$proto" = udp ]; then
			echo "proto udp"; echo "local $U_C"; echo "lport $PORT"
		else
			echo "proto tcp-client"; echo "nobind"
		fi
	fi
	cat <<EOF
dev tun
ca $d/ca.crt
cert $d/$role.crt
key $d/$role.key
data-ciphers $CIPHER
$AUTH_LINE
tun-mtu 1500
verb 3
EOF
}

# start_openvpn [udp|tcp]
start_openvpn() {
	local proto=${1:-udp} role ns tuning="disable-dco
sndbuf 4194304
rcvbuf 4194304
fast-io"
	command -v openvpn >/dev/null || { REASON="openvpn not installed"; return 1; }
	make_pki || { REASON="openssl pki failed (see pki.log)"; return 1; }
	# fast-io is a UDP-only option
	[ "$proto" = tcp ] && tuning=${tuning%fast-io}
	TUN_PIDS=""
	for role in srv cli; do
		ns=$NS_S; [ $role = cli ] && ns=$NS_C
		{ ovpn_conf $role "$proto"; echo "$tuning"; } >"$CASE_DIR/openvpn-$role.conf"
		bg_in "$ns" "$CASE_DIR/openvpn-$role.log" \
			openvpn --config "$CASE_DIR/openvpn-$role.conf"
		TUN_PIDS="$TUN_PIDS $BG_PID"
	done
	TARGET=$T_S TUN_DEV_C=tun0
	NOTE="$(openvpn --version | head -n1 | cut -d' ' -f1-2), $proto, user-space data path (disable-dco), $CIPHER${BENCH_AUTH:+ + $BENCH_AUTH}"
}

start_openvpn_tcp() { start_openvpn tcp; }

# start_wggo [BINARY [NOTE]]: Debian 12's wireguard-go unless another given.
start_wggo() {
	local wg_go=${1:-wireguard-go}
	local wg_note=${2:-"(Debian 12; predates the UDP GSO/GRO and tun offloads of newer releases)"}
	if ! command -v "$wg_go" >/dev/null || ! command -v wg >/dev/null; then
		REASON="$wg_go or wg not installed"
		return 1
	fi
	local side ns ifn me peer_t peer_u other
	TUN_PIDS=""
	for side in s c; do
		(umask 077 && wg genkey >"$WORK/wg-$CASE_N$side.key") ||
			{ REASON="wg genkey failed"; return 1; }
		wg pubkey <"$WORK/wg-$CASE_N$side.key" >"$WORK/wg-$CASE_N$side.pub"
	done
	for side in s c; do
		ns=$NS_S me=$T_S peer_t=$T_C peer_u=$U_C other=c
		[ $side = c ] && ns=$NS_C me=$T_C peer_t=$T_S peer_u=$U_S other=s
		# The UAPI socket lives in /var/run/wireguard/<ifname>.sock, shared
		# by all namespaces: the name must be unique on the machine.
		ifn=${TAG}w$CASE_N$side
		bg_in "$ns" "$CASE_DIR/wireguard-go-$side.log" \
			env WG_PROCESS_FOREGROUND=1 "$wg_go" "$ifn"
		TUN_PIDS="$TUN_PIDS $BG_PID"
		wait_for 10 ip -n "$ns" link show "$ifn" ||
			{ REASON="wireguard-go did not create $ifn"; return 1; }
		wait_for 10 test -S "/var/run/wireguard/$ifn.sock" ||
			{ REASON="wireguard-go UAPI socket missing"; return 1; }
		ip netns exec "$ns" wg set "$ifn" listen-port $PORT \
			private-key "$WORK/wg-$CASE_N$side.key" \
			peer "$(cat "$WORK/wg-$CASE_N$other.pub")" \
			allowed-ips "$peer_t/32" endpoint "$peer_u:$PORT" ||
			{ REASON="wg set failed"; return 1; }
		if ! ip -n "$ns" addr add "$me/24" dev "$ifn" ||
		   ! ip -n "$ns" link set "$ifn" up; then
			REASON="cannot configure $ifn"
			return 1
		fi
	done
	TARGET=$T_S TUN_DEV_C=${TAG}w${CASE_N}c
	NOTE="wireguard-go $("$wg_go" --version 2>/dev/null | head -n1 | awk '{print $2}') $wg_note"
}

# wireguard-go's 2025 release from Debian unstable, unpacked privately by
# scripts/wireguard-go25.sh (the system's packages stay untouched).
start_wggo25() {
	local bin
	if ! bin=$("$ROOT/scripts/wireguard-go25.sh" 2>"$CASE_DIR/fetch.log"); then
		REASON="scripts/wireguard-go25.sh failed: $(tail -n1 "$CASE_DIR/fetch.log")"
		return 1
	fi
	start_wggo "$bin" "(Debian unstable, unpacked privately: TUN and UDP GSO/GRO, batched I/O)"
}

# start_dcocli [udp|tcp] [none]: over TCP the server end listens (--listen);
# "none" runs without a cipher (no key file): the tunnel minus its crypto.
start_dcocli() {
	local proto=${1:-udp} cipher=${2:-aes} cli=$BUILD/dcovpn-cli
	local wrap=${BENCH_DCOCLI_WRAP:-} listen="" key_s key_c desc
	[ -x "$cli" ] || { REASON="not built ($cli missing)"; return 1; }
	# A wrapper (gdb, perf, valgrind) becomes the measured PID: CPU figures
	# then count the wrapper, not dcovpn-cli.
	[ -n "$wrap" ] && cli="$wrap $cli"
	[ "$proto" = tcp ] && listen=--listen
	if [ "$cipher" = none ]; then
		key_s="" key_c="" desc="no cipher (packets in clear)"
	else
		head -c 256 /dev/urandom | base64 >"$WORK/data64.key"
		key_s="$WORK/data64.key 0" key_c="$WORK/data64.key 1"
		desc="static key, $proto, AES-256-GCM"
	fi
	# shellcheck disable=SC2086
	bg_in "$NS_S" "$CASE_DIR/dcovpn-cli-s.log" $cli $listen \
		${BENCH_DCOCLI_ARGS:-} "$proto" i4 "$U_S" $PORT "$U_C" $PORT \
		"$T_S" 255.255.255.0 "$T_C" $key_s
	TUN_PIDS=$BG_PID
	# shellcheck disable=SC2086
	bg_in "$NS_C" "$CASE_DIR/dcovpn-cli-c.log" $cli ${BENCH_DCOCLI_ARGS:-} \
		"$proto" i4 "$U_C" $PORT "$U_S" $PORT \
		"$T_C" 255.255.255.0 "$T_S" $key_c
	TUN_PIDS="$TUN_PIDS $BG_PID"
	TARGET=$T_S TUN_DEV_C=""
	NOTE="$desc${BENCH_DCOCLI_ARGS:+, args: $BENCH_DCOCLI_ARGS}${wrap:+, under: $wrap (CPU figures count the wrapper)}"
}

start_dcocli_tcp() { start_dcocli tcp; }
start_dcocli_none() { start_dcocli udp none; }
# dcovpn-cli on OpenSSL's AEAD instead of the automatic choice (intel-ipsec-mb
# where the CPU and the build have it): one row per AEAD backend.
start_dcocli_ossl() {
	BENCH_DCOCLI_ARGS="--aead-backend openssl ${BENCH_DCOCLI_ARGS:-}" start_dcocli udp
}
start_dcod_ovpn() { start_dcod ovpn; }
# The daemon in OpenVPN 2.6's data format: the client does not announce
# 2.7's epoch data keys (which the dcod case negotiates), all else alike.
start_dcod26() {
	DCOVPN_TEST_NO_EPOCH=1 start_dcod || return 1
	NOTE="$NOTE, 2.6 data format (no epoch keys)"
}

# Client/server configs for the daemon, OpenVPN syntax: the server end
# (mode server, one pool) pushes the client 198.19.<n>.2 and takes .1.
srv_conf() {
	local d=$WORK/pki
	cat <<EOF
server ${T_S%.1}.0 255.255.255.0
topology subnet
dev tun
proto udp
local $U_S
port $PORT
dh none
ca $d/ca.crt
cert $d/srv.crt
key $d/srv.key
data-ciphers $CIPHER
$AUTH_LINE
tun-mtu 1500
keepalive 10 60
verb 3
${BENCH_DCOD_SERVER_LINES:-}
EOF
}

cli_conf() {
	local d=$WORK/pki
	cat <<EOF
client
dev tun
proto udp
remote $U_S $PORT
nobind
ca $d/ca.crt
cert $d/cli.crt
key $d/cli.key
remote-cert-tls server
data-ciphers $CIPHER
$AUTH_LINE
tun-mtu 1500
verb 3
EOF
}

udp_bound() { ip netns exec "$1" ss -Hlun "sport = :$2" | grep -q .; }

# The daemon with a TLS control channel, as client of a server end. The
# server end is the daemon too once it has a server mode; until then (it
# exits at once on "server"), Debian's OpenVPN serves, tuned as in the
# OpenVPN case, and the figures are capped by OpenVPN's end.
# start_dcod [ovpn]: with "ovpn", OpenVPN serves whatever the daemon can do.
start_dcod() {
	local d=$BUILD/dcovpn srv_pid end why=""
	[ -x "$d" ] || { REASON="not built ($d missing)"; return 1; }
	make_pki || { REASON="openssl pki failed (see pki.log)"; return 1; }
	NOTE="daemon both ends, TLS, $CIPHER${BENCH_AUTH:+ + $BENCH_AUTH}"
	if [ "${1:-}" = ovpn ]; then
		why="asked for (case dcod_ovpn)"
	else
		srv_conf >"$CASE_DIR/dcovpn-srv.conf"
		bg_in "$NS_S" "$CASE_DIR/dcovpn-srv.log" "$d" --config "$CASE_DIR/dcovpn-srv.conf"
		srv_pid=$BG_PID
		end=$(( SECONDS + 10 ))
		until udp_bound "$NS_S" $PORT; do
			if ! kill -0 "$srv_pid" 2>/dev/null; then
				wait "$srv_pid" 2>/dev/null
				forget_pids "$srv_pid"
				why="dcovpn has no server mode yet (it says: $(grep -m1 -i error "$CASE_DIR/dcovpn-srv.log" | sed 's/.*conf:[0-9]*: //'))"
				break
			fi
			[ $SECONDS -lt $end ] ||
				{ REASON="dcovpn server end did not bind UDP $PORT within 10 s"; return 1; }
			sleep 0.1
		done
	fi
	if [ -n "$why" ]; then
		{ srv_conf; printf 'disable-dco\nsndbuf 4194304\nrcvbuf 4194304\nfast-io\n'; } \
			>"$CASE_DIR/openvpn-srv.conf"
		bg_in "$NS_S" "$CASE_DIR/openvpn-srv.log" \
			openvpn --config "$CASE_DIR/openvpn-srv.conf"
		srv_pid=$BG_PID
		NOTE="daemon as TLS client, $CIPHER${BENCH_AUTH:+ + $BENCH_AUTH}; server end: OpenVPN 2.6 (user-space, tuned), $why: OpenVPN's end caps these figures"
		echo "server end is OpenVPN 2.6" >"$CASE_DIR/mixed"
	fi
	cli_conf >"$CASE_DIR/dcovpn-cli.conf"
	bg_in "$NS_C" "$CASE_DIR/dcovpn-cli.log" "$d" --config "$CASE_DIR/dcovpn-cli.conf"
	TUN_PIDS="$srv_pid $BG_PID"
	TARGET=$T_S TUN_DEV_C=""
}

# wait_tunnel SECONDS: ping through the tunnel answers, bounded; stop early
# when a tunnel process has exited.
wait_tunnel() {
	local end=$(( SECONDS + $1 ))
	while [ $SECONDS -lt $end ]; do
		ping_ok "$NS_C" "$TARGET" >/dev/null 2>&1 && return 0
		# shellcheck disable=SC2086
		if [ -n "$TUN_PIDS" ] && ! alive $TUN_PIDS; then
			REASON="a tunnel process exited before the tunnel came up"
			return 1
		fi
		sleep 0.1
	done
	REASON="no ping through the tunnel within $1 s"
	return 1
}

case_label() {
	case $1 in
	veth) echo "bare veth" ;;
	openvpn) echo "OpenVPN 2.6" ;;
	wggo) echo "wireguard-go" ;;
	wggo25) echo "wireguard-go 2025" ;;
	dcocli_ossl) echo "dcovpn-cli OpenSSL" ;;
	dcocli) echo "dcovpn-cli" ;;
	dcod) echo "dcovpn daemon" ;;
	openvpn_tcp) echo "OpenVPN 2.6 TCP" ;;
	dcocli_tcp) echo "dcovpn-cli TCP" ;;
	dcocli_none) echo "dcovpn-cli none" ;;
	dcod_ovpn) echo "dcovpn->OpenVPN" ;;
	dcod26) echo "dcovpn daemon 2.6 format" ;;
	*) echo "$1" ;;
	esac
}

# --- measurements ----------------------------------------------------------

# Per-case state, kept while all cases' tunnels are up at once.
declare -A C_NSC C_NSS C_TARGET C_PIDS C_DIR

# measure CASE NAME IPERF_ARGS...: one iperf3 run from the case's client end,
# with the tunnel processes' CPU ticks before and after.
measure() {
	local c=$1 name=$2 before after sys_before rc pids=${C_PIDS[$1]} dir=${C_DIR[$1]}
	local drops_all drops_others
	shift 2
	# shellcheck disable=SC2086
	if [ -n "$pids" ] && ! alive $pids; then
		echo "not run: a tunnel process was gone before it" >"$dir/$name.err"
		echo 0 >"$dir/$name.cputicks"
		return 0
	fi
	# shellcheck disable=SC2086
	before=$(cpu_ticks $pids)
	sys_before=$(sys_ticks)
	case $name in udp64*)
		drops_all=$(udp_drops "${C_NSS[$c]}" all)
		drops_others=$(udp_drops "${C_NSS[$c]}" others) ;;
	esac
	timeout $(( SECS + 15 )) ip netns exec "${C_NSC[$c]}" iperf3 \
		-c "${C_TARGET[$c]}" -p $IPERF_PORT -t "$SECS" \
		--connect-timeout 5000 -J "$@" \
		>"$dir/$name.json" 2>"$dir/$name.err"
	rc=$?
	# shellcheck disable=SC2086
	after=$(cpu_ticks $pids)
	echo "$(( $(sys_ticks) - sys_before ))" >"$dir/$name.systicks"
	echo "$(( after - before ))" >"$dir/$name.cputicks"
	case $name in udp64*)
		# what reached iperf3's socket but found it full: delivered by
		# the tunnel, lost to a receiver short of CPU
		echo "$(( $(udp_drops "${C_NSS[$c]}" all) - drops_all - \
			$(udp_drops "${C_NSS[$c]}" others) + drops_others ))" \
			>"$dir/$name.sockdrops" ;;
	esac
	[ $rc -eq 0 ] || log "  $c $name: iperf3 exit $rc"
	# shellcheck disable=SC2086
	if [ -n "$pids" ] && ! alive $pids; then
		rc=$(how_ended $pids)
		log "  $c $name: $rc"
		echo "$rc during $name (logs in $dir)" >>"$dir/problems"
	fi
	return 0
}

# stop_case CASE: SIGTERM its tunnel processes and note any that did not
# end cleanly (a crash in the exit path, e.g. glibc's heap checks).
stop_case() {
	local pids=${C_PIDS[$1]} dir=${C_DIR[$1]} p rc i=0 end live=""
	[ -n "$pids" ] || return 0
	# only those still running: a death during the tests is reported already
	for p in $pids; do kill -0 "$p" 2>/dev/null && live="$live $p"; done
	# shellcheck disable=SC2086
	kill_pids $live
	for p in $pids; do
		i=$(( i + 1 ))
		end="client end"; [ $i = 1 ] && end="server end"
		case " $live " in *" $p "*) ;; *) continue ;; esac
		wait "$p" 2>/dev/null
		rc=$?
		# 0, 143 (TERM) or 127 (already reaped): a clean or known end
		case $rc in 0|127|143) continue ;; esac
		if [ $rc -gt 128 ]; then
			rc="died of signal $(( rc - 128 )) ($(kill -l $(( rc - 128 )) 2>/dev/null))"
		else
			rc="exited with status $rc"
		fi
		log "  $1: $end $rc when stopped"
		echo "$end $rc when stopped at the end (logs in $dir)" >>"$dir/problems"
	done
}

# how_ended PID...: which of the tunnel processes ended, and how. The first
# is the server end's, the second the client end's (as every start_ sets
# them); they are children of this shell, so wait gives their status.
how_ended() {
	local p rc i=0 end out=""
	for p in "$@"; do
		i=$(( i + 1 ))
		end="client end"; [ $i = 1 ] && end="server end"
		kill -0 "$p" 2>/dev/null && continue
		wait "$p" 2>/dev/null
		rc=$?
		if [ $rc -gt 128 ]; then
			out="$out${out:+, }$end died of signal $(( rc - 128 )) ($(kill -l $(( rc - 128 )) 2>/dev/null))"
		else
			out="$out${out:+, }$end exited with status $rc"
		fi
	done
	echo "${out:-a tunnel process ended}"
}

# drop_case: stop the current case's processes and namespaces (on failure).
drop_case() {
	# shellcheck disable=SC2086
	kill_pids $CASE_PIDS
	# shellcheck disable=SC2086
	forget_pids $CASE_PIDS
	del_ns "$NS_S"
	del_ns "$NS_C"
}

# setup_case NAME N: bring the case's tunnel up with an iperf3 server behind
# it; on success remember it in the C_* tables. Writes status on failure.
setup_case() {
	local name=$1 agreed mark errline
	CASE_N=$2
	CASE_DIR=$RAW/$name
	TUN_PIDS="" NOTE="" REASON="" TARGET="" TUN_DEV_C="" NS_S="" NS_C=""
	mkdir -p "$CASE_DIR"
	case_label "$name" >"$CASE_DIR/label"
	log "$name: $(case_label "$name")"
	mark=${#MY_PIDS}        # MY_PIDS past this offset: this case's processes
	if ! setup_pair "$CASE_N"; then
		echo "failed: cannot build namespaces/veth" >"$CASE_DIR/status"
		CASE_PIDS="" drop_case
		return 1
	fi
	if ! "start_$name"; then
		echo "${REASON:-failed to start}" >"$CASE_DIR/status"
		log "  skipped: $REASON"
		CASE_PIDS=${MY_PIDS:$mark} drop_case
		return 1
	fi
	CASE_PIDS=${MY_PIDS:$mark}
	echo "$TUN_PIDS" >"$CASE_DIR/pids"
	echo "$NOTE" >"$CASE_DIR/note"
	if ! wait_tunnel 30; then
		# the first error line any tunnel log has, if one has
		errline=$(grep -h -m1 -i 'error' "$CASE_DIR"/*.log 2>/dev/null | head -n1 |
			sed 's/^[0-9-]* [0-9:]* //')
		echo "failed: $REASON${errline:+; log: $errline} (logs in $CASE_DIR)" >"$CASE_DIR/status"
		log "  failed: $REASON; last log lines:"
		tail -n 3 "$CASE_DIR"/*.log 2>/dev/null | sed 's/^/    /' >&2
		drop_case
		return 1
	fi
	# Say which data-channel cipher OpenVPN-syntax peers really agreed on.
	agreed=$(grep -ho "Data Channel: cipher '[^']*'" "$CASE_DIR"/*.log 2>/dev/null | tail -n1)
	[ -n "$agreed" ] && echo "$NOTE; log says $agreed" >"$CASE_DIR/note"
	# The MTU of the client end's tunnel device (dcovpn names its own).
	if [ -z "$TUN_DEV_C" ]; then
		TUN_DEV_C=$(ip -n "$NS_C" -o route get "$TARGET" 2>/dev/null |
			sed -n 's/.* dev \([^ ]*\).*/\1/p')
	fi
	ip -n "$NS_C" -o link show "$TUN_DEV_C" 2>/dev/null |
		sed -n 's/.* mtu \([0-9]*\).*/\1/p' >"$CASE_DIR/mtu"
	bg_in "$NS_S" "$CASE_DIR/iperf3-server.log" iperf3 -s -p $IPERF_PORT
	CASE_PIDS="$CASE_PIDS $BG_PID"
	if ! wait_for 10 listening "$NS_S" $IPERF_PORT; then
		echo "failed: iperf3 server did not start" >"$CASE_DIR/status"
		drop_case
		return 1
	fi
	C_NSC[$name]=$NS_C C_NSS[$name]=$NS_S C_TARGET[$name]=$TARGET
	C_PIDS[$name]=$TUN_PIDS C_DIR[$name]=$CASE_DIR
	return 0
}

# profile CASE NAME IPERF_ARGS...: one more iperf3 run with perf sampling
# the tunnel processes (flat profile, by symbol), apart from the measured
# runs so that perf's cost does not touch the figures.
profile() {
	local c=$1 name=$2 pids=${C_PIDS[$1]} dir=${C_DIR[$1]} perf_pid
	shift 2
	# shellcheck disable=SC2086
	[ -n "$pids" ] && alive $pids || return 0
	log "profile $name: $c (${SECS} s)"
	# shellcheck disable=SC2086
	timeout $(( SECS + 20 )) perf record -q -o "$dir/perf-$name.data" \
		-p "$(echo $pids | tr ' ' ',')" -- sleep "$SECS" \
		>"$dir/perf-$name.log" 2>&1 &
	perf_pid=$!
	MY_PIDS="$MY_PIDS $perf_pid"
	timeout $(( SECS + 15 )) ip netns exec "${C_NSC[$c]}" iperf3 \
		-c "${C_TARGET[$c]}" -p $IPERF_PORT -t "$SECS" \
		--connect-timeout 5000 -J "$@" \
		>"$dir/perf-$name.json" 2>&1
	wait "$perf_pid"
	forget_pids "$perf_pid"
	timeout 120 perf report -i "$dir/perf-$name.data" --stdio \
		--sort comm,dso,sym --percent-limit 0.5 \
		>"$dir/perf-$name.txt" 2>>"$dir/perf-$name.log"
}

# The tests, as "name iperf3-options". Every case runs each test before the
# next test starts, so a burst of other load on the machine hits all alike;
# with BENCH_REPEAT > 1 the whole round is repeated and report.py takes the
# median of each figure.
TESTS=(
	"tcp1_up"
	"tcp1_down -R"
	"tcp4_up -P 4"
	"tcp4_down -P 4 -R"
	"udp64 -u -l 64 -b 0"
)

run_all() {
	local c t r args
	for c in $UP; do
		log "ping x$PINGS through the idle tunnel: $c"
		timeout $(( PINGS + 20 )) ip netns exec "${C_NSC[$c]}" ping -n \
			-c "$PINGS" -i 0.2 -W 2 "${C_TARGET[$c]}" \
			>"${C_DIR[$c]}/ping.txt" 2>&1
	done
	for r in $(seq "$REPEAT"); do
		for t in "${TESTS[@]}"; do
			# shellcheck disable=SC2086
			set -- $t
			shift
			args="$*"
			for c in $UP; do
				log "${t%% *} round $r/$REPEAT: $c (${SECS} s)"
				# shellcheck disable=SC2086
				measure "$c" "${t%% *}.r$r" $args
			done
		done
	done
	if [ -n "${BENCH_PERF:-}" ]; then
		if ! command -v perf >/dev/null; then
			log "BENCH_PERF: perf is not installed (apt-get install linux-perf)"
		else
			for c in $BENCH_PERF; do
				[ -n "${C_DIR[$c]:-}" ] || { log "BENCH_PERF: $c is not up"; continue; }
				profile "$c" tcp1_up
				profile "$c" tcp1_down -R
			done
		fi
	fi
	for c in $UP; do echo ok >"${C_DIR[$c]}/status"; done
}

# --- main --------------------------------------------------------------------

# All of it in one function, read whole before it runs: editing this file
# during a run cannot derail the run.
main() {
	RAW=$OUT/raw
	rm -rf "$RAW"
	mkdir -p "$RAW"
	{
		echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "kernel=$(uname -r)"
		echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
		echo "nproc=$(nproc)"
		echo "seconds=$SECS"
		echo "pings=$PINGS"
		echo "repeat=$REPEAT"
		echo "rmem_max=$(sysctl -n net.core.rmem_max) wmem_max=$(sysctl -n net.core.wmem_max)"
		echo "iperf3=$(iperf3 --version | head -n1 | awk '{print $2}')"
		echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
		# the crypto stage of the ceiling estimate: the engine's own
		# AEAD code on one CPU, at the size of a full TCP segment
		[ -x "$BUILD/aead-speed" ] &&
			echo "aead_speed=$("$BUILD/aead-speed" AES-256-GCM 1400 2 auto)" &&
			"$BUILD/aead-speed" AES-256-GCM 1400 2 all |
				awk '{ print "aead_speed_" $7 "=" $0 }'
	} >"$RAW/meta"

	UP=""
	n=0
	for c in $CASES; do
		n=$(( n + 1 ))
		if ! declare -F "start_$c" >/dev/null; then
			log "unknown case '$c' (known: veth openvpn wggo wggo25 dcocli dcocli_ossl dcocli_none dcod openvpn_tcp dcocli_tcp dcod_ovpn dcod26)"
			continue
		fi
		setup_case "$c" "$n" && UP="$UP $c"
	done
	cp "$WORK"/pki.log "$RAW/" 2>/dev/null
	run_all
	for c in $UP; do stop_case "$c"; done
	teardown
	echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/meta"
	echo "cases=$CASES" >>"$RAW/meta"

	python3 "$HERE/report.py" "$OUT" || exit 1

	# BENCH_PUBLISH=1: copy the results where the README can show them (tracked).
	if [ "${BENCH_PUBLISH:-0}" = 1 ]; then
		mkdir -p "$HERE/latest" &&
		cp "$OUT/results.md" "$OUT/results.csv" "$HERE/latest/" &&
		{ [ ! -f "$OUT/results.png" ] || cp "$OUT/results.png" "$HERE/latest/"; } &&
		log "published to bench/latest/ (commit it to keep it)"
	fi
}

main "$@"
