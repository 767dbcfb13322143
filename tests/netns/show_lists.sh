#!/bin/bash
# --show-ciphers, --show-digests, --show-tls, --show-groups (no network):
# OpenVPN's shape (header, blank line, one entry per line: what
# NetworkManager's openvpn editor parses), exit status 0 even with options
# that would not start a tunnel, and entries compared with openvpn 2.6's:
# every cipher and digest line dcovpn lists is openvpn's line for it, the
# TLS suite lists are the same (defaults, and after --tls-cipher /
# --tls-ciphersuites), every EC curve listed is one openvpn lists.
. "$(dirname "$0")/nonet_lib.bash"

# entries: what follows the first blank line, blank lines dropped
entries() { awk 'seen && NF { print } !NF { seen = 1 }' "$1"; }

for what in ciphers digests tls groups; do
	"$DCOVPN" --show-$what --client --dev tun >"$T/d-$what" 2>"$T/d-$what.err" ||
		fail "--show-$what: exit status $? $(cat "$T/d-$what.err")"
	"$OPENVPN" --show-$what >"$T/o-$what" 2>/dev/null || true
	[ "$(entries "$T/d-$what" | wc -l)" -gt 2 ] || fail "--show-$what: $(cat "$T/d-$what")"
done

entries "$T/d-ciphers" >"$T/d-c"
[ "$(cut -d' ' -f1 "$T/d-c" | tr '\n' ' ')" = \
  "AES-128-GCM AES-192-GCM AES-256-GCM CHACHA20-POLY1305 AES-128-CBC AES-192-CBC AES-256-CBC " ] ||
	fail "ciphers: $(cat "$T/d-c")"
while read -r line; do
	grep -qxF "$line" "$T/o-ciphers" || fail "cipher line not as openvpn's: $line"
done <"$T/d-c"
log "ok: --show-ciphers: $(wc -l <"$T/d-c") ciphers, lines as openvpn's"

entries "$T/d-digests" >"$T/d-d"
grep -qx "SHA256 256 bit digest size" "$T/d-d" || fail "no SHA256: $(cat "$T/d-d")"
while read -r line; do
	grep -qxF "$line" "$T/o-digests" || fail "digest line not in openvpn's: $line"
done <"$T/d-d"
log "ok: --show-digests: $(wc -l <"$T/d-d") of openvpn's $(entries "$T/o-digests" | wc -l) (no XOF, no NULL)"

# the suite lists only (the closing notes are prose)
suites() { grep -E '^TLS[-_]' "$1"; }
diff <(suites "$T/o-tls") <(suites "$T/d-tls") >&2 || fail "--show-tls differs from openvpn's"
grep -q '^For TLS 1.3 and newer (--tls-ciphersuites):$' "$T/d-tls" &&
grep -q '^For TLS 1.2 and older (--tls-cipher):$' "$T/d-tls" || fail "--show-tls headings"
opts=(--tls-cipher TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256:TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384
	--tls-ciphersuites TLS_CHACHA20_POLY1305_SHA256)
"$DCOVPN" "${opts[@]}" --show-tls >"$T/d-tls2"
"$OPENVPN" "${opts[@]}" --show-tls >"$T/o-tls2" 2>/dev/null || true
diff <(suites "$T/o-tls2") <(suites "$T/d-tls2") >&2 || fail "--show-tls after --tls-cipher differs"
[ "$(suites "$T/d-tls2" | wc -l)" -eq 3 ] || fail "--tls-cipher not applied: $(cat "$T/d-tls2")"
log "ok: --show-tls: $(suites "$T/d-tls" | wc -l) suites as openvpn's; 3 after --tls-cipher, as openvpn"

entries "$T/d-groups" | grep -v '^Available' >"$T/d-g"
grep -qx prime256v1 "$T/d-g" && grep -qx X25519 "$T/d-g" || fail "groups: $(cat "$T/d-g")"
while read -r g; do
	case $g in X25519|X448|ffdhe*) continue ;; esac
	grep -qxF "$g" "$T/o-groups" || fail "group $g is not among openvpn's curves"
done <"$T/d-g"
log "ok: --show-groups: $(wc -l <"$T/d-g") names tls-groups accepts"
echo "PASS: show_lists"
