#!/bin/bash
# dcovpn-cli refuses every bad argument and bad key file with one clear line
# on stderr and exit status 1, before creating anything; --help exits 0.
. "$(dirname "$0")/lib.sh"
ns_setup

POS=(udp i4 198.18.0.1 1194 198.18.0.2 1194 198.19.0.1 255.255.255.0 198.19.0.2)

# expect_error WORD ARGS...: exit 1, one stderr line mentioning WORD, no tun.
expect_error() {
	local word=$1 rc=0 lines
	shift
	in_ns a timeout 10 "$CLI" "$@" >"$T/out" 2>"$T/err" || rc=$?
	lines=$(wc -l <"$T/err")
	[ "$rc" -eq 1 ] || fail "'$*': exit status $rc, want 1 ($(cat "$T/err"))"
	[ "$lines" -eq 1 ] || fail "'$*': $lines lines on stderr, want 1: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "'$*': printed to stdout: $(cat "$T/out")"
	grep -qi -- "$word" "$T/err" || fail "'$*': error does not mention '$word': $(cat "$T/err")"
	if in_ns a ip -o link show | grep dco >/dev/null; then
		fail "'$*': a tunnel device was left behind"
	fi
	log "ok: $* -> $(cat "$T/err")"
}

expect_error "at least 9" 
expect_error "at least 9" udp i4 1.2.3.4
expect_error "unknown option" --bogus "${POS[@]}"
expect_error "transport" sctp "${POS[@]:1}"
expect_error "i4 or i6" udp i5 "${POS[@]:2}"
expect_error "LOCAL_IP" udp i4 300.1.1.1 "${POS[@]:3}"
expect_error "LOCAL_IP" udp i6 198.18.0.1 "${POS[@]:3}"
expect_error "LOCAL_PORT" udp i4 198.18.0.1 65536 "${POS[@]:4}"
expect_error "LOCAL_PORT" udp i4 198.18.0.1 12ab "${POS[@]:4}"
expect_error "REMOTE_IP" "${POS[@]:0:4}" fd00:18::2 "${POS[@]:5}"
expect_error "REMOTE_PORT" "${POS[@]:0:5}" 0 "${POS[@]:6}"
expect_error "VPN_IP" "${POS[@]:0:6}" 198.19.0 "${POS[@]:7}"
expect_error "NETMASK" "${POS[@]:0:7}" 255.0.255.0 198.19.0.2
expect_error "VPN_GW" "${POS[@]:0:8}" nope
expect_error "too many" "${POS[@]}" "$T/key" 1 extra
expect_error "KEY_DIRECTION" "${POS[@]}" /dev/null one
expect_error "cipher" --cipher AES-512-GCM "${POS[@]}"
expect_error "needs a KEY_FILE" --cipher AES-128-GCM "${POS[@]}"
expect_error "peer-id" --peer-id 16777215 "${POS[@]}"
expect_error "peer-id" --peer-id -1 "${POS[@]}"
expect_error "keepalive" --keepalive 10 "${POS[@]}"
expect_error "keepalive" --keepalive 10 5 "${POS[@]}"
expect_error "ipv6" --ipv6 198.19.0.1/24 "${POS[@]}"
expect_error "ipv6" --ipv6 fd00:19::1/129 "${POS[@]}"
expect_error "listen" --listen "${POS[@]}"
expect_error "mtu" --mtu 20 "${POS[@]}"
expect_error "dev" --dev this-name-is-too-long "${POS[@]}"
expect_error "verb" --verb x "${POS[@]}"
expect_error "replay-window" --replay-window 0 "${POS[@]}"
expect_error "options go first" "${POS[@]:0:2}" --mtu 1400 "${POS[@]:2}"

# Key files: missing, empty, not base64, too short.
expect_error "$T/missing.key" "${POS[@]}" "$T/missing.key" 0
: >"$T/empty.key"
expect_error "empty.key" "${POS[@]}" "$T/empty.key" 0
key_gen "$T/bad.key"
printf '%s\n' 'this is not base64 at all!' >>"$T/bad.key"
expect_error "base64" "${POS[@]}" "$T/bad.key" 0
head -c 40 /dev/urandom | base64 >"$T/short.key"
expect_error "72" "${POS[@]}" "$T/short.key" 1
expect_error "key" "${POS[@]}" "$T" 1

rc=0
in_ns a "$CLI" --help >"$T/out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "--help: exit status $rc"
grep -q "usage: dcovpn-cli" "$T/out" || fail "--help printed no usage"
log "ok: --help"
