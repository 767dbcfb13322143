#!/bin/bash
# Every cipher (and none): pings both ways and a 2 MB transfer.
. "$(dirname "$0")/lib.sh"
ns_setup
for cipher in AES-128-GCM AES-192-GCM AES-256-GCM CHACHA20-POLY1305 none; do
	log "cipher $cipher"
	cli_pair udp i4 --cipher "$cipher"
	grep -q -- "$cipher" "$T/a.log" || fail "a does not report cipher $cipher"
	ping_both 3
	xfer a b 2
	cli_stats b
	[ "$(stat_get b peer0 drop_decrypt)" -eq 0 ] || fail "$cipher: decrypt failures"
	cli_stop a
	cli_stop b
	mv "$T/a.log" "$T/a-$cipher.txt"
	mv "$T/b.log" "$T/b-$cipher.txt"
done
