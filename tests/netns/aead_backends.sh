#!/bin/bash
# The AEAD backends talk to each other: a seals and opens with intel-ipsec-mb,
# b with OpenSSL (dcovpn-cli --aead-backend), for every AEAD cipher;
# pings both ways and a 2 MB transfer without a decrypt failure. Each side
# logs the backend it chose; auto picks ipsec-mb where it is usable.
. "$(dirname "$0")/lib.sh"
"$CLI" --aead-backend bogus udp i4 198.18.0.1 1194 198.18.0.2 1194 \
	198.19.0.1 255.255.255.0 198.19.0.2 >"$T/bad.log" 2>&1 && fail "bogus backend accepted"
grep -q "bad --aead-backend 'bogus'" "$T/bad.log" || fail "bogus backend: $(cat "$T/bad.log")"
ns_setup
"$BUILD/aead-speed" AES-256-GCM 64 0.01 ipsec-mb >/dev/null 2>&1 ||
	{ log "skip: ipsec-mb backend not usable here"; exit 0; }
for cipher in AES-128-GCM AES-192-GCM AES-256-GCM CHACHA20-POLY1305; do
	log "cipher $cipher: a on ipsec-mb, b on openssl"
	[ -f "$T/key" ] || key_gen "$T/key"
	cli_up a udp i4 "$T/key" 0 --cipher "$cipher" --aead-backend ipsec-mb
	cli_up b udp i4 "$T/key" 1 --cipher "$cipher" --aead-backend openssl
	tunnel_wait
	grep -q "AEAD backend: intel-ipsec-mb" "$T/a.log" || fail "a does not log ipsec-mb"
	grep -q "AEAD backend: OpenSSL" "$T/b.log" || fail "b does not log OpenSSL"
	ping_both 3
	xfer a b 2
	xfer b a 2
	for side in a b; do
		cli_stats "$side"
		[ "$(stat_get "$side" peer0 drop_decrypt)" -eq 0 ] ||
			fail "$cipher: $side has decrypt failures"
	done
	cli_stop a
	cli_stop b
	mv "$T/a.log" "$T/a-$cipher.txt"
	mv "$T/b.log" "$T/b-$cipher.txt"
done
log "auto: ipsec-mb where usable"
cli_pair udp i4
grep -q "AEAD backend: intel-ipsec-mb" "$T/a.log" || fail "auto did not pick ipsec-mb"
log "ok"
