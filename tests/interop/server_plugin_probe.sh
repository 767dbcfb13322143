#!/usr/bin/env bash
# A probe plugin (tests/interop/plugin_probe.c, built here) on a server
# and on a client, run by dcovpn and by openvpn 2.6 on the same
# configuration: what each host calls, with which arguments and
# variables, must be the same. Checked: open_v3's arguments (version,
# SSL API, the base64 callbacks), per-client contexts, AUTH answered at
# once (accept, refuse) and deferred through auth_control_file with a
# reason in auth_failed_reason_file (the client sees "AUTH_FAILED,probe
# says no"), TLS_VERIFY per certificate depth (with the X509), TLS_FINAL,
# CLIENT_CONNECT_V2's returned config (a pushed
# route), LEARN_ADDRESS's arguments, CLIENT_DISCONNECT, no script_type;
# deferred client-connect, v1 (client_connect_deferred_file, then
# CLIENT_CONNECT_DEFER polls) and v2 (CLIENT_CONNECT_DEFER_V2 polls);
# on a client TLS_VERIFY for the server's chain, TLS_FINAL, UP, ROUTE_UP,
# IPCHANGE, ROUTE_PREDOWN, DOWN; then CLOSE.
. "$(dirname "$0")/server_lib.bash"
ns_setup 8
pki_make
cc -shared -fPIC -o "$T/probe.so" "$LIB_DIR/plugin_probe.c" || fail "cannot build the probe"
for u in good deny later later-ok pending slowcc slowcc2; do printf '%s\npw\n' "$u" >"$T/$u.txt"; done

# run KIND(dcovpn|openvpn): server and client 1 of that kind (both with
# the probe), clients 2-4 openvpn; the probe's lines in $T/KIND-{srv,cli}
run() {
	local kind=$1 i
	rm -f "$T/probe-srv" "$T/probe-cli"
	server_conf udp auth "plugin $T/probe.so $T/probe-srv" "hand-window 20"
	client_conf 1 udp auth "auth-user-pass $T/good.txt" "plugin $T/probe.so $T/probe-cli client" \
		"explicit-exit-notify 1"
	client_conf 2 udp auth "auth-user-pass $T/deny.txt" "auth-retry none"
	client_conf 3 udp auth "auth-user-pass $T/later.txt" "auth-retry none"
	client_conf 4 udp auth "auth-user-pass $T/later-ok.txt" "explicit-exit-notify 1"
	# "pending": c5 can open a URL (IV_SSO), c6 cannot
	client_conf 5 udp auth "auth-user-pass $T/pending.txt" "setenv IV_SSO openurl" \
		"explicit-exit-notify 1"
	client_conf 6 udp auth "auth-user-pass $T/pending.txt" "auth-retry none"
	# deferred client-connect: v1 through its file, v2 through DEFER_V2
	client_conf 7 udp auth "auth-user-pass $T/slowcc.txt" "explicit-exit-notify 1"
	client_conf 8 udp auth "auth-user-pass $T/slowcc2.txt" "explicit-exit-notify 1"
	if [ "$kind" = openvpn ]; then DCOVPN=$OPENVPN start_server; else start_server; fi
	start_client 1 "$kind"
	for i in 2 3 4 5 6 7 8; do start_client "$i" openvpn; done
	wait_client 1
	wait_client 4
	wait_for 15 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "$kind: c1 no ping"
	for i in 2 3; do
		wait_for 20 grep -q "AUTH_FAILED" "${CLI_LOG[$i]}" || fail "$kind: c$i not refused"
	done
	grep -q "AUTH_FAILED,probe says no" "${CLI_LOG[3]}" ||
		fail "$kind: c3 did not get the plugin's reason"
	grep -q "route 198.19.99.0 255.255.255.0" "${CLI_LOG[4]}" ||
		fail "$kind: the CLIENT_CONNECT_V2 config was not pushed"
	wait_client 5
	grep -q "AUTH_PENDING received, extending handshake timeout from 60s to 30s" \
		"${CLI_LOG[5]}" || fail "$kind: c5 got no AUTH_PENDING (timeout 30)"
	grep -q "OPEN_URL:https://example.org/probe" "${CLI_LOG[5]}" || fail "$kind: c5 got no URL"
	wait_for 20 grep -q "AUTH_FAILED,Authentication failed, required pending auth method 'openurl' not supported" \
		"${CLI_LOG[6]}" || fail "$kind: c6 not refused for the pending method"
	wait_client 7
	grep -q "route 198.19.98.0 255.255.255.0" "${CLI_LOG[7]}" ||
		fail "$kind: c7: the deferred v1 client-connect's options were not pushed"
	wait_client 8
	grep -q "route 198.19.99.0 255.255.255.0" "${CLI_LOG[8]}" ||
		fail "$kind: c8: the DEFER_V2 config was not pushed"
	for i in 1 2 3 4 5 6 7 8; do stop_pid "${CLI_PIDS[$i]}"; done
	wait_for 10 grep -q "EV DOWN" "$T/probe-cli" || fail "$kind: no client DOWN"
	wait_for 10 sh -c "[ \$(grep -c 'EV CLIENT_DISCONNECT' '$T/probe-srv') -ge 5 ]" ||
		fail "$kind: no CLIENT_DISCONNECT for the five clients"
	stop_pid "$SRV_PID"
	wait_for 10 grep -q "CLOSE" "$T/probe-srv" || fail "$kind: the server did not close the plugin"
	mv "$T/probe-srv" "$T/$kind-srv"
	mv "$T/probe-cli" "$T/$kind-cli"
	for i in 1 2 3 4 5 6 7 8; do mv "${CLI_LOG[$i]}" "$T/$kind-${CLI_LOG[$i]##*/}"; done
	mv "$T/server.log" "$T/server-$kind.log"
}
run dcovpn
run openvpn

# the calls, comparable: one line per event kind and its fixed fields
# (OpenVPN's LEARN_ADDRESS delete has the server's variables, dcovpn's
# the client's: its common_name and username are left out)
summary() {
	sed -E -e 's/(LEARN_ADDRESS [^|]*\| (add|update|delete)) [^ ]+/\1 ADDR/' \
	    -e 's#\| /tmp/[^ ]+$#| FILE#' \
	    -e 's/LEARN_ADDRESS cn=[^ ]+ user=[^ ]+ (.*\| delete ADDR)/LEARN_ADDRESS cn=- user=- \1/' \
	    -e 's/\| .*(IPCHANGE|UP|DOWN).*//' \
	    -e 's/(EV (UP|DOWN|IPCHANGE)[^|]*)\|.*/\1/' "$1" | sort -u
}
for side in srv cli; do
	summary "$T/dcovpn-$side" >"$T/sum-dcovpn-$side"
	summary "$T/openvpn-$side" >"$T/sum-openvpn-$side"
	log "$side: $(wc -l <"$T/dcovpn-$side") calls by dcovpn, $(wc -l <"$T/openvpn-$side") by openvpn"
	[ -n "${VERBOSE:-}" ] && cat "$T/sum-dcovpn-$side"
	diff "$T/sum-openvpn-$side" "$T/sum-dcovpn-$side" >"$T/sum-$side.diff" ||
		{ cat "$T/sum-$side.diff"; fail "$side: the plugin saw other calls under dcovpn (< openvpn, > dcovpn)"; }
done
for what in CTOR DTOR; do
	[ "$(grep -c "^$what" "$T/dcovpn-srv")" = "$(grep -c "^$what" "$T/openvpn-srv")" ] ||
		fail "$what: $(grep -c "^$what" "$T/dcovpn-srv") calls by dcovpn, $(grep -c "^$what" "$T/openvpn-srv") by openvpn"
done
grep -q "b64=cHJvYmU=/ok" "$T/dcovpn-srv" || fail "base64 callbacks"
echo "PASS: $CASE"
