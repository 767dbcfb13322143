#!/bin/bash
# dcovpn's description of itself and the options of Debian's units (no
# network): the README's option table is what the option table says;
# --help lists every option of the table and exits 1, as openvpn; --version's first line has
# OpenVPN's shape; --cd acts in order (files named after it are relative
# to it, those before are not), in a config file too; --suppress-timestamps
# drops the date from log lines, as openvpn does on the same options.
. "$(dirname "$0")/nonet_lib.bash"

BUILD=$(dirname "$DCOVPN") scripts/options-table.sh --check ||
	fail "README option table out of date (make options-table)"
log "ok: README table matches the option table"

"$DCOVPN" --list-options-md | awk -F'`' 'NR > 2 { split($2, a, " "); print a[1] }' |
	sort >"$T/table"
[ "$(wc -l <"$T/table")" -gt 150 ] || fail "option table too short"
rc=0; "$DCOVPN" --help >"$T/help" || rc=$?
[ "$rc" -eq 1 ] || fail "--help exit status $rc (openvpn's is 1)"
grep -oE '^--[a-z0-9-]+' "$T/help" | sort -u >"$T/helped"
missing=$(comm -23 "$T/table" "$T/helped")
[ -z "$missing" ] || fail "--help leaves out: $missing"
log "ok: --help lists all $(wc -l <"$T/table") options"
# exit statuses as openvpn 2.6: usage (--help anywhere, no argument) 1,
# --version 0, on the same command lines
for args in "--help" "--verb 3 --help" "" "--version" "--verb 3 --version"; do
	# shellcheck disable=SC2086 # the words of $args are the arguments
	d=0; "$DCOVPN" $args >"$T/d-out" 2>&1 || d=$?
	# shellcheck disable=SC2086
	o=0; "$OPENVPN" $args >"$T/o-out" 2>&1 || o=$?
	[ "$d" -eq "$o" ] || fail "'$args': exit status $d, openvpn's $o"
	[ -s "$T/d-out" ] || fail "'$args' printed nothing"
done
log "ok: --help/--version exit statuses as openvpn's"

"$DCOVPN" --version >"$T/ver"
head -n1 "$T/ver" | grep -qE '^dcovpn [0-9.]+ [a-z0-9_]+-[a-z0-9_-]+ \[SSL \(OpenSSL\)\]' ||
	fail "--version first line: $(head -n1 "$T/ver")"
grep -q '^library versions: OpenSSL 3' "$T/ver" || fail "--version: no library line"
log "ok: --version: $(head -n1 "$T/ver")"

# --cd: relative paths after it start in its directory. Each config ends
# with an unknown option, so the error names the file that was read.
mkdir -p "$T/etc/sub"
printf 'verb 3\nbogus-in-etc\n' >"$T/etc/a.conf"
printf 'cd sub\nconfig inner.conf\n' >"$T/etc/outer.conf"
printf 'bogus-in-sub\n' >"$T/etc/sub/inner.conf"
out=$(cd / && "$DCOVPN" --cd "$T/etc" --config a.conf 2>&1) && fail "--cd: no error"
grep -q 'a.conf:2: .*bogus-in-etc' <<<"$out" || fail "--cd then --config: $out"
out=$(cd / && "$DCOVPN" --config a.conf --cd "$T/etc" 2>&1) && fail "--config before --cd read"
grep -q "cannot read config file 'a.conf'" <<<"$out" || fail "--config before --cd: $out"
out=$(cd / && "$DCOVPN" --cd "$T/etc" --config outer.conf 2>&1) && fail "cd in a file: no error"
grep -q 'inner.conf:1: .*bogus-in-sub' <<<"$out" || fail "cd in a config file: $out"
out=$("$DCOVPN" --cd "$T/nonexistent" 2>&1) && fail "--cd to nowhere accepted"
grep -q "cd to '$T/nonexistent' failed" <<<"$out" || fail "--cd error: $out"
log "ok: --cd acts in order, on the command line and in a config file"

# A relative --cd, and files relative to it, across reconnects (a client
# parses its options again for each): loopback only, nothing answers on
# port 9, server-poll-timeout moves on after 1 s.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/etc/ca.key" \
	-out "$T/etc/ca.crt" -days 2 -subj /CN=t 2>/dev/null
printf 'u\np\n' >"$T/etc/up.txt"
printf '%s\n' client "dev null" "proto udp" "remote 127.0.0.1 9" "connect-retry 1" \
	"server-poll-timeout 1" "ca ca.crt" "auth-user-pass up.txt" "verb 3" >"$T/etc/c.conf"
(cd "$T" && exec timeout 4 "$DCOVPN" --cd etc --config c.conf) >"$T/cd.log" 2>&1 || true
n=$(grep -c "UDP link remote: \[AF_INET\]127.0.0.1:9" "$T/cd.log" || true)
[ "$n" -ge 2 ] || fail "relative --cd: $n connection attempts: $(cat "$T/cd.log")"
grep -q "cd to" "$T/cd.log" && fail "relative --cd applied again: $(cat "$T/cd.log")"
log "ok: relative --cd holds across $n connection attempts"

# --suppress-timestamps: same first log line with and without, as openvpn.
opts=(--verb 3 --client --dev tun --remote 198.18.0.1 --auth-user-pass /nonexistent
	--ca /nonexistent.crt)
timeout 10 "$DCOVPN" "${opts[@]}" >"$T/d-stamp" 2>&1 || true
timeout 10 "$DCOVPN" "${opts[@]}" --suppress-timestamps >"$T/d-plain" 2>&1 || true
head -n1 "$T/d-stamp" | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} dcovpn ' ||
	fail "no timestamp by default: $(head -n1 "$T/d-stamp")"
head -n1 "$T/d-plain" | grep -qE '^dcovpn ' ||
	fail "timestamp with --suppress-timestamps: $(head -n1 "$T/d-plain")"
# openvpn on the same options: the same two shapes
timeout 10 "$OPENVPN" "${opts[@]}" >"$T/o-stamp" 2>&1 || true
timeout 10 "$OPENVPN" "${opts[@]}" --suppress-timestamps >"$T/o-plain" 2>&1 || true
head -n1 "$T/o-stamp" | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} ' ||
	fail "openvpn: $(head -n1 "$T/o-stamp")"
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} ' "$T/o-plain" "$T/d-plain" &&
	fail "a timestamped line with --suppress-timestamps"
log "ok: --suppress-timestamps, as openvpn"

# --machine-readable-output: every line "seconds.usec flags text", even
# with --suppress-timestamps, from both
for bin in "$DCOVPN" "$OPENVPN"; do
	timeout 10 "$bin" "${opts[@]}" --machine-readable-output --suppress-timestamps \
		>"$T/mro" 2>&1 || true
	[ -s "$T/mro" ] || fail "$bin --machine-readable-output: no output"
	bad=$(grep -vE '^[0-9]{10}\.[0-9]{6} [0-9a-f]+ ' "$T/mro" | head -n3 || true)
	[ -z "$bad" ] || fail "$bin --machine-readable-output: lines '$bad'"
done
log "ok: --machine-readable-output, as openvpn"
echo "PASS: options_doc"
