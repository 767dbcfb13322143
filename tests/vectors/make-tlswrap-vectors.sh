#!/bin/bash
# Capture tls-auth / tls-crypt / tls-crypt-v2 control packets from the real
# openvpn binary (a UDP server and client in two network namespaces) and write
# them, with the keys used, into tests/vectors/ (see README-tlswrap.md).
# Needs root, ip(8), openvpn 2.6, openssl(1), python3. Run from anywhere:
#   tests/vectors/make-tlswrap-vectors.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PY="$HERE/tlswrap-vectors.py"
TAG="tlsw$$"
NS_S="${TAG}s"
NS_C="${TAG}c"
SRV_IP=198.18.77.1
CLI_IP=198.18.77.2
PORT=1194
WAIT_S=30
WORK=$(mktemp -d "/tmp/${TAG}.XXXXXX")
PIDS=()

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	ip netns del "$NS_S" 2>/dev/null || true
	ip netns del "$NS_C" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# --- keys and a throwaway PKI ---------------------------------------------
make_keys() {
	openvpn --genkey secret "$WORK/ta.key"
	openvpn --genkey tls-crypt-v2-server "$WORK/v2srv.key"
	openvpn --tls-crypt-v2 "$WORK/v2srv.key" \
		--genkey tls-crypt-v2-client "$WORK/v2cli.key"
	cd "$WORK"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout ca.key -out ca.crt -days 30 -subj /CN=tlswrap-ca \
		2>/dev/null
	local who eku
	for who in server client; do
		eku=serverAuth
		[ "$who" = client ] && eku=clientAuth
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$who.key" -out "$who.csr" -subj "/CN=$who" 2>/dev/null
		printf 'extendedKeyUsage=%s\nkeyUsage=digitalSignature,keyAgreement\n' \
			"$eku" >"$who.ext"
		openssl x509 -req -in "$who.csr" -CA ca.crt -CAkey ca.key \
			-CAcreateserial -out "$who.crt" -days 30 -extfile "$who.ext" \
			2>/dev/null
	done
	cd - >/dev/null
}

# --- two namespaces over one veth pair ---------------------------------------
make_net() {
	ip netns add "$NS_S"
	ip netns add "$NS_C"
	ip link add "${TAG}a" type veth peer name "${TAG}b"
	ip link set "${TAG}a" netns "$NS_S"
	ip link set "${TAG}b" netns "$NS_C"
	ip -n "$NS_S" addr add "$SRV_IP/30" dev "${TAG}a"
	ip -n "$NS_C" addr add "$CLI_IP/30" dev "${TAG}b"
	ip -n "$NS_S" link set "${TAG}a" up
	ip -n "$NS_C" link set "${TAG}b" up
	ip -n "$NS_S" link set lo up
	ip -n "$NS_C" link set lo up
}

# wait_for FILE PATTERN: poll (bounded) until PATTERN appears in FILE.
wait_for() {
	local i
	for ((i = 0; i < WAIT_S * 10; i++)); do
		if [ -e "$1" ] && { [ -z "$2" ] || grep -q "$2" "$1"; }; then
			return 0
		fi
		sleep 0.1
	done
	echo "timed out waiting for '$2' in $1" >&2
	return 1
}

stop_pids() {
	local pid
	for pid in "$@"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	PIDS=()
}

# run_case NAME "SERVER OPTS" "CLIENT OPTS": one handshake, packets to NAME.pkts
run_case() {
	local name=$1 sopts=$2 copts=$3 out="$WORK/$1.pkts"
	local sniff srv cli
	: >"$out"
	rm -f "$WORK/ready"
	ip netns exec "$NS_S" python3 "$PY" sniff "${TAG}a" "$PORT" "$out" \
		"$WORK/ready" &
	sniff=$!
	PIDS+=("$sniff")
	wait_for "$WORK/ready" ""
	# shellcheck disable=SC2086 # option lists are meant to split
	ip netns exec "$NS_S" openvpn --mode server --tls-server --proto udp \
		--local "$SRV_IP" --port "$PORT" --dev tun --topology subnet \
		--server 198.19.77.0 255.255.255.0 \
		--ca "$WORK/ca.crt" --cert "$WORK/server.crt" \
		--key "$WORK/server.key" --dh none --verb 3 \
		--log "$WORK/$name.server.log" $sopts &
	srv=$!
	PIDS+=("$srv")
	wait_for "$WORK/$name.server.log" "Initialization Sequence Completed"
	# shellcheck disable=SC2086
	ip netns exec "$NS_C" openvpn --client --proto udp --dev tun \
		--remote "$SRV_IP" "$PORT" --nobind \
		--ca "$WORK/ca.crt" --cert "$WORK/client.crt" \
		--key "$WORK/client.key" --remote-cert-tls server --verb 3 \
		--log "$WORK/$name.client.log" $copts &
	cli=$!
	PIDS+=("$cli")
	wait_for "$WORK/$name.client.log" "Initialization Sequence Completed"
	stop_pids "$cli" "$srv" "$sniff"
	echo "$name: $(wc -l <"$out") datagrams captured"
}

make_keys
make_net
run_case tlsauth_sha1 "--tls-auth $WORK/ta.key 0" "--tls-auth $WORK/ta.key 1"
run_case tlsauth_sha256 "--tls-auth $WORK/ta.key 0 --auth SHA256" \
	"--tls-auth $WORK/ta.key 1 --auth SHA256"
run_case tlsauth_sha512 "--tls-auth $WORK/ta.key 0 --auth SHA512" \
	"--tls-auth $WORK/ta.key 1 --auth SHA512"
run_case tlscrypt "--tls-crypt $WORK/ta.key" "--tls-crypt $WORK/ta.key"
run_case tlscryptv2 "--tls-crypt-v2 $WORK/v2srv.key" \
	"--tls-crypt-v2 $WORK/v2cli.key"

cp "$WORK/ta.key" "$HERE/tlswrap-ta.key"
cp "$WORK/v2srv.key" "$HERE/tlswrap-v2-server.key"
cp "$WORK/v2cli.key" "$HERE/tlswrap-v2-client.key"
for c in tlsauth_sha1 tlsauth_sha256 tlsauth_sha512 tlscrypt tlscryptv2; do
	cp "$WORK/$c.pkts" "$HERE/tlswrap-$c.pkts"
done
python3 "$PY" emit-c "$HERE/tlswrap-keys.inc" \
	key:ta="$HERE/tlswrap-ta.key" \
	key:v2srv="$HERE/tlswrap-v2-server.key" \
	key:v2cli="$HERE/tlswrap-v2-client.key"
python3 "$PY" emit-c "$HERE/tlswrap-vectors.inc" \
	tlsauth_sha1="$HERE/tlswrap-tlsauth_sha1.pkts" \
	tlsauth_sha256="$HERE/tlswrap-tlsauth_sha256.pkts" \
	tlsauth_sha512="$HERE/tlswrap-tlsauth_sha512.pkts" \
	tlscrypt="$HERE/tlswrap-tlscrypt.pkts" \
	tlscryptv2="$HERE/tlswrap-tlscryptv2.pkts"
echo "wrote $HERE/tlswrap-keys.inc $HERE/tlswrap-vectors.inc"
