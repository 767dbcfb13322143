#!/bin/bash
# --remote-random-hostname (no network: a namespace with only lo, whose
# resolv.conf names a server that is not there): the name looked up is
# "<12 hex digits>.<remote>", as openvpn's "Cannot resolve" line shows on
# the same options; without the option the name is looked up as given.
. "$(dirname "$0")/nonet_lib.bash"

NS=dcovpn-rrh-$$
mkdir -p "/etc/netns/$NS"
echo "nameserver 127.0.0.1" >"/etc/netns/$NS/resolv.conf"
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; ip netns del "$NS";
      rm -rf "/etc/netns/$NS" "$T"' EXIT

printf 'u\np\n' >"$T/up"
args=(--client --dev null --proto udp --remote vpn.example.test 1194 --nobind
      --ca /etc/ssl/certs/ca-certificates.crt --auth-user-pass "$T/up" --verb 4)
rand_re='Cannot resolve host address: [0-9a-f]{12}\.vpn\.example\.test:1194'

# lookup NAME BINARY [OPTION]: waits (10 s at most) for its first failed
# lookup in $T/NAME.log.
lookup() {
	ip netns exec "$NS" "$2" "${args[@]}" ${3:+"$3"} >"$T/$1.log" 2>&1 &
	pids+=($!)
	wait_log 10 'Cannot resolve host address' "$T/$1.log" || fail "$1: no failed lookup"
}

lookup openvpn "$OPENVPN" --remote-random-hostname
grep -qE "$rand_re" "$T/openvpn.log" || { cat "$T/openvpn.log"; fail "openvpn: not the expected shape"; }
lookup dcovpn "$DCOVPN" --remote-random-hostname
grep -qE "$rand_re" "$T/dcovpn.log" || { cat "$T/dcovpn.log"; fail "dcovpn: no random prefix"; }
log "ok: $(grep -oE "$rand_re" "$T/dcovpn.log" | head -n1) (openvpn: $(grep -oE "$rand_re" "$T/openvpn.log" | head -n1))"
lookup plain "$DCOVPN"
grep -q 'Cannot resolve host address: vpn.example.test:1194' "$T/plain.log" ||
	{ cat "$T/plain.log"; fail "dcovpn without the option changed the name"; }
log "ok: without the option the name is as given"
