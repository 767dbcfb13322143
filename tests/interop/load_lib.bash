# dcovpn-load against a server (sourced by tests/interop/load_*.sh and
# bench/scale.sh, after server_lib.bash): the load generator runs in
# client namespace 1 and binds its clients to addresses of LOAD_NET
# (198.18.128.0/17), routed there as local addresses (AnyIP), so the
# server sees each client from its own address.
LOAD=${LOAD:-$BUILD/dcovpn-load}
LOAD_NET=${LOAD_NET:-198.18.128.0/17}

# load_net: route LOAD_NET to client namespace 1 (call after ns_setup).
load_net() {
	[ -x "$LOAD" ] || fail "$LOAD not built"
	in_c 1 ip route add local "$LOAD_NET" dev lo
	in_s ip route add "$LOAD_NET" via 198.18.66.11
}

# start_server_kind KIND(dcovpn|openvpn): the server on $T/server.conf;
# SRV_PID is its process (the one /proc figures are read from).
start_server_kind() {
	local bin=$DCOVPN
	[ "$1" = openvpn ] && bin=$OPENVPN
	: >"$T/server.log"
	ip netns exec "$NS_S" "$bin" --config "$T/server.conf" >"$T/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server.log" ||
		fail "$1 server did not start"
}

# run_load NAME [dcovpn-load options]: the load with client config c1,
# its report in $T/NAME.out (the exit status is the tool's).
run_load() {
	local name=$1
	shift
	in_c 1 "$LOAD" --config "$T/c1.conf" --source "$LOAD_NET" \
		--server-pid "$SRV_PID" "$@" >"$T/$name.out" 2>"$T/$name.log"
}

# load_fail NAME WHY: fail, after the report of run NAME, the load tool's
# progress and client failures, and the end of the server's log.
load_fail() {
	echo "---- $1: report ----"
	cat "$T/$1.out"
	echo "---- $1: dcovpn-load log (last 40 lines) ----"
	tail -n 40 "$T/$1.log"
	echo "---- server log (last 40 lines) ----"
	tail -n 40 "$T/server.log"
	fail "$2"
}

# stat NAME KEY: one "stat KEY VALUE" figure of a report.
stat() {
	awk -v k="$2" '$1 == "stat" && $2 == k { print $3 }' "$T/$1.out"
}

# load_setup N: namespaces, PKI, LOAD_NET and the configs for N load
# clients: a UDP tls-auth server (duplicate-cn, a /22 pool) in $T/server.conf,
# client 1's in $T/c1.conf. openvpn keeps an instance 5 s after its
# client's EXIT (push.c receive_exit_message): room in max-clients and the
# pool for those.
load_setup() {
	local n=$1
	ns_setup 1
	pki_make
	load_net
	server_conf udp auth "tun-mtu 1400" duplicate-cn \
		"max-clients $((4 * n + 100))" "explicit-exit-notify 1"
	sed -i 's/^server 198.19.66.0 255.255.255.0$/server 198.19.64.0 255.255.252.0/' \
		"$T/server.conf"
	client_conf 1 udp auth
}

# load_setup_bench MAX: load_setup for the benches (bench/scale.sh,
# bench/churn.sh): max-clients MAX, a /16 pool, verb 1, no status or pool
# file (their writes would be measured with the server).
load_setup_bench() {
	local max=$1
	ns_setup 1
	pki_make
	load_net
	server_conf udp auth duplicate-cn "max-clients $max" \
		"explicit-exit-notify 1" "tun-mtu 1400"
	sed -i -e 's/^server 198.19.66.0 255.255.255.0$/server 198.19.0.0 255.255.0.0/' \
		-e '/^status /d' -e '/^status-version /d' -e '/^ifconfig-pool-persist /d' \
		-e 's/^verb 4$/verb 1/' "$T/server.conf"
	client_conf 1 udp auth
}
