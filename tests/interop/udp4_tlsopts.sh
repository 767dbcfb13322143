#!/usr/bin/env bash
# TLS options users' configs carry, on a dcovpn client against Debian's
# openvpn 2.6 server, one client run each: verify-hash (the CA's SHA1, the
# default form; inline SHA256; a wrong one refused as openvpn refuses it),
# pkcs12 (no password; with a password from askpass; inline base64) in place
# of ca/cert/key, and capath (a hashed CA directory) in place of ca.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
d=$T/pki
server_conf udp 4 none
start_server
fpr() { openssl x509 -in "$d/ca.crt" -noout -fingerprint "-$1" | sed 's/.*=//'; }
SHA1=$(fpr sha1)
SHA256=$(fpr sha256)
openssl pkcs12 -export -in "$d/client.crt" -inkey "$d/client.key" -certfile "$d/ca.crt" \
	-passout pass: -out "$d/c.p12" || fail "openssl pkcs12"
openssl pkcs12 -export -in "$d/client.crt" -inkey "$d/client.key" -certfile "$d/ca.crt" \
	-passout pass:s3cret -out "$d/cpw.p12" || fail "openssl pkcs12 with a password"
echo s3cret >"$d/p12pass"
mkdir "$d/capath"
cp "$d/ca.crt" "$d/capath/"
openssl rehash "$d/capath" || fail "openssl rehash"

# try NAME WANT(ok|refused) BIN [extra lines]: a client run with the base
# config less ca/cert/key lines the extras replace
try() {
	local name=$1 want=$2 bin=$3 log=$T/$1.log pid
	shift 3
	client_conf udp 4 none "$@"
	case " $* " in *pkcs12*) sed -i '/^\(ca\|cert\|key\) /d' "$T/client.conf" ;; esac
	case " $* " in *capath*) sed -i '/^ca /d' "$T/client.conf" ;; esac
	ip netns exec "$NS_C" "$bin" --config "$T/client.conf" >"$log" 2>&1 &
	pid=$!
	BG_PIDS+=("$pid")
	if [ "$want" = ok ]; then
		wait_for 20 grep -q "Initialization Sequence Completed" "$log" ||
			{ cat "$log"; fail "$name: no connection"; }
		wait_for 10 in_c ping -c1 -W1 "$TUN4_S" || fail "$name: ping"
	else
		wait_for 20 grep -q "certificate hash verification failed" "$log" ||
			{ cat "$log"; fail "$name: not refused"; }
		! grep -q "Initialization Sequence Completed" "$log" || fail "$name: connected"
	fi
	stop_pid "$pid"
	log "$name: $want"
}
try verify_hash_sha1 ok "$DCOVPN" "verify-hash $SHA1"
try verify_hash_inline ok "$DCOVPN" "<verify-hash>" "# the CA" "$SHA256" "</verify-hash>"
try verify_hash_sha256 ok "$DCOVPN" "verify-hash $SHA256 SHA256"
BAD=00${SHA1:2}
try verify_hash_wrong refused "$DCOVPN" "verify-hash $BAD"
try verify_hash_wrong_openvpn refused "$OPENVPN" "verify-hash $BAD"
try pkcs12 ok "$DCOVPN" "pkcs12 $d/c.p12"
try pkcs12_password ok "$DCOVPN" "pkcs12 $d/cpw.p12" "askpass $d/p12pass"
try pkcs12_inline ok "$DCOVPN" "<pkcs12>" "$(base64 <"$d/c.p12")" "</pkcs12>"
try capath ok "$DCOVPN" "capath $d/capath"
try capath_openvpn ok "$OPENVPN" "capath $d/capath"
echo "PASS: $CASE"
