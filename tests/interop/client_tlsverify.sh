#!/usr/bin/env bash
# tls-verify on a client, dcovpn and openvpn 2.6 on the same configs
# against an openvpn 2.6 server: a script refusing the server's own
# certificate (depth 0) stops the connection ("VERIFY SCRIPT ERROR:
# depth=0, CN=ic-server", no initialization; both retry as after a TLS
# error); one accepting both depths lets it come up after "VERIFY SCRIPT
# OK" for depth 1 then 0. (Its environment is compared in script_env.)
# tls-export-cert: each call's peer_cert file holds the certificate of
# its depth, and is gone once the script has run.
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
cat >"$T/tv.sh" <<'X'
#!/bin/sh
# $1 depth, $2 subject; refuse depth 0 while the flag file exists
echo "$1 $2" >>"$(dirname "$0")/tv.calls"
echo "$1 $(/usr/bin/openssl x509 -in "$peer_cert" -noout -subject)" >>"$(dirname "$0")/tv.certs"
[ "$1" = 0 ] && [ -e "$(dirname "$0")/refuse" ] && exit 1
exit 0
X
chmod +x "$T/tv.sh"
server_conf udp 4 crypt
mkdir "$T/pef"
client_conf udp 4 crypt "script-security 2" "tls-verify $T/tv.sh" "tls-export-cert $T/pef"
start_server
for kind in openvpn dcovpn; do
	bin=$OPENVPN
	[ "$kind" = dcovpn ] && bin=$DCOVPN
	log_f=$T/client-$kind.log
	touch "$T/refuse"
	rm -f "$T/tv.calls" "$T/tv.certs"
	ip netns exec "$NS_C" "$bin" --config "$T/client.conf" >"$log_f" 2>&1 &
	CLI_PID=$!
	wait_for 15 grep -q "VERIFY SCRIPT ERROR: depth=0, CN=ic-server" "$log_f" ||
		{ cat "$log_f"; fail "$kind: no 'VERIFY SCRIPT ERROR: depth=0'"; }
	! grep -q "Initialization Sequence Completed" "$log_f" ||
		fail "$kind: came up although tls-verify refused"
	[ "$(head -n2 "$T/tv.calls" | tr '\n' ,)" = "1 CN=ic-ca,0 CN=ic-server," ] ||
		fail "$kind: tls-verify calls: $(tr '\n' , <"$T/tv.calls")"
	[ "$(head -n2 "$T/tv.certs" | tr '\n' ,)" = "1 subject=CN = ic-ca,0 subject=CN = ic-server," ] ||
		fail "$kind: peer_cert files: $(tr '\n' , <"$T/tv.certs")"
	# accepted from now on: the retry comes up
	rm -f "$T/refuse"
	wait_for 30 grep -q "Initialization Sequence Completed" "$log_f" ||
		{ cat "$log_f"; fail "$kind: did not come up once tls-verify accepted"; }
	grep -q "VERIFY SCRIPT OK: depth=0, CN=ic-server" "$log_f" ||
		fail "$kind: no 'VERIFY SCRIPT OK: depth=0'"
	stop_pid "$CLI_PID"
	CLI_PID=
	[ -z "$(ls -A "$T/pef")" ] || fail "$kind: exported certificates left: $(ls "$T/pef")"
done
echo "PASS: $CASE"
