#!/bin/bash
# Data-channel key derivation vectors from the real openvpn 2.6 (see
# README-kdf.md): a UDP server and a pull client in two network namespaces,
# the server at --verb 7, the client at --verb 9, which log the key method 2
# randoms, the derived keys per direction and (client, verb 9: PD_VERBOSE) the
# session ids of every control packet.
#   EKM case: 2.6 defaults (the server pushes "protocol-flags ... tls-ekm").
#   PRF case: the client ignores the pushed protocol-flags / key-derivation
#             (pull-filter), so it derives with OpenVPN's PRF.
# Writes tests/vectors/kdf-ekm.txt, kdf-prf.txt and kdf-vectors.inc.
# Needs root, ip(8), openvpn 2.6, openssl(1), python3.
#   tests/vectors/make-kdf-vectors.sh            (KDF_KEEP=dir keeps the logs)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PY="$HERE/kdf-vectors.py"
TAG="kdf$$"
NS_S="${TAG}s"
NS_C="${TAG}c"
SRV_IP=198.18.78.1
CLI_IP=198.18.78.2
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
	if [ -n "${KDF_KEEP:-}" ]; then
		mkdir -p "$KDF_KEEP" && cp "$WORK"/*.log "$WORK"/*.env "$KDF_KEEP"/ \
			2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

make_pki() {
	cd "$WORK"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt \
		-days 30 -subj /CN=kdf-ca 2>/dev/null
	local who eku
	for who in server client; do
		eku=serverAuth
		[ "$who" = client ] && eku=clientAuth
		openssl req -newkey rsa:2048 -nodes -keyout "$who.key" \
			-out "$who.csr" -subj "/CN=$who" 2>/dev/null
		printf 'extendedKeyUsage=%s\nkeyUsage=digitalSignature,keyEncipherment\n' \
			"$eku" >"$who.ext"
		openssl x509 -req -in "$who.csr" -CA ca.crt -CAkey ca.key \
			-CAcreateserial -out "$who.crt" -days 30 -extfile "$who.ext" \
			2>/dev/null
	done
	# The client's up script saves its environment (exported_keying_material).
	printf '#!/bin/sh\nenv > "%s/$1.env"\n' "$WORK" >up.sh
	chmod 755 up.sh
	cd - >/dev/null
}

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
		if [ -e "$1" ] && grep -q "$2" "$1"; then
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

# run_case NAME "SERVER OPTS" "CLIENT OPTS": one connection, logs NAME.*.log
run_case() {
	local name=$1 sopts=$2 copts=$3 srv cli
	# shellcheck disable=SC2086 # option lists are meant to split
	ip netns exec "$NS_S" openvpn --mode server --tls-server --proto udp \
		--local "$SRV_IP" --port "$PORT" --dev tun --topology subnet \
		--server 198.19.78.0 255.255.255.0 \
		--ca "$WORK/ca.crt" --cert "$WORK/server.crt" \
		--key "$WORK/server.key" --dh none --verb 7 \
		--log "$WORK/$name.server.log" $sopts &
	srv=$!
	PIDS+=("$srv")
	wait_for "$WORK/$name.server.log" "Initialization Sequence Completed"
	# shellcheck disable=SC2086
	ip netns exec "$NS_C" openvpn --client --proto udp \
		--dev tun --remote "$SRV_IP" "$PORT" --nobind \
		--ca "$WORK/ca.crt" --cert "$WORK/client.crt" \
		--key "$WORK/client.key" --remote-cert-tls server --verb 9 \
		--script-security 2 --up "$WORK/up.sh $name" \
		--log "$WORK/$name.client.log" $copts &
	cli=$!
	PIDS+=("$cli")
	wait_for "$WORK/$name.client.log" "Initialization Sequence Completed"
	stop_pids "$cli" "$srv"
	echo "$name: done"
}

make_pki
make_net
run_case ekm "" ""
run_case prf "--data-ciphers AES-256-GCM:AES-256-CBC --auth SHA512" \
	"--data-ciphers AES-256-CBC --auth SHA512 --pull-filter ignore protocol-flags --pull-filter ignore key-derivation"

python3 "$PY" ekm "$WORK/ekm.client.log" "$WORK/ekm.server.log" \
	>"$HERE/kdf-ekm.txt"
python3 "$PY" prf "$WORK/prf.client.log" >"$HERE/kdf-prf.txt"
python3 "$PY" emit-c "$HERE/kdf-ekm.txt" "$HERE/kdf-prf.txt" \
	>"$HERE/kdf-vectors.inc"
echo "wrote $HERE/kdf-ekm.txt $HERE/kdf-prf.txt $HERE/kdf-vectors.inc"
