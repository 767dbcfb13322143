#!/usr/bin/env bash
# management-client-auth through renegotiations: dcovpn and openvpn 2.6 as
# the server on the same config, one openvpn 2.6 client renegotiating
# every 4 s (reneg-sec), the external-auth manager (mgmt_cauth.py)
# answering each >CLIENT:CONNECT and >CLIENT:REAUTH. What the manager
# sees up to the second REAUTH must be the same: the notifications with
# their key ids (OpenVPN's untrusted session takes 2, renegotiations ask
# with 3, 4) and each one's ENV names in OpenVPN's order (its env_set,
# newest first: at a REAUTH the authentication's names, the peer info and
# the certificate's again, then client-connect's).
. "$(dirname "$0")/server_lib.bash"
MGR=$LIB_DIR/mgmt_cauth.py
ns_setup 1
pki_make
server_conf udp crypt "management 127.0.0.1 7505" "management-client-auth"
printf 'user1\npass1\n' >"$T/up1"
client_conf 1 udp crypt "auth-user-pass $T/up1" "reneg-sec 4" "explicit-exit-notify 1"

run_side() {
	local kind=$1 bin=$DCOVPN mpid
	[ "$kind" = openvpn ] && bin=/usr/sbin/openvpn
	rm -f "$T/stop"
	ip netns exec "$NS_S" "$bin" --config "$T/server.conf" >"$T/server-$kind.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server-$kind.log" ||
		fail "$kind server did not start"
	in_s timeout 60 python3 "$MGR" 127.0.0.1:7505 "$T/$kind-mgmt.txt" "$T/stop" &
	mpid=$!
	BG_PIDS+=("$mpid")
	wait_for 10 grep -q "^< >INFO:OpenVPN Management Interface" "$T/$kind-mgmt.txt" ||
		fail "$kind: manager not connected"
	start_client 1 openvpn26
	wait_for 40 sh -c "[ \$(grep -c '^< >CLIENT:REAUTH,' '$T/$kind-mgmt.txt') -ge 2 ]" ||
		fail "$kind: not two REAUTHs"
	touch "$T/stop"
	wait "$mpid" || true
	stop_pid "${CLI_PIDS[1]}"
	stop_pid "$SRV_PID"
	SRV_PID=
}

run_side openvpn
run_side dcovpn
[ -n "${KEEP_LOGS:-}" ] && cp "$T"/*-mgmt.txt "$KEEP_LOGS"/

# the notifications (with their ids) and ENV names up to the second
# REAUTH's END
names() {
	awk '/^< >CLIENT:REAUTH,/ { r++ }
	     /^< >CLIENT:/ && !/^< >CLIENT:ENV,/ { print; next }
	     /^< >CLIENT:ENV,/ { v = $0; sub(/=.*/, "", v); print v
		if (r == 2 && $0 == "< >CLIENT:ENV,END") exit }' "$1"
}
diff -u <(names "$T/openvpn-mgmt.txt") <(names "$T/dcovpn-mgmt.txt") >"$T/diff" || {
	cat "$T/diff"
	fail "the manager saw different notifications or ENV names (openvpn ---, dcovpn +++)"
}
log "$(names "$T/dcovpn-mgmt.txt" | grep -vc '^< >CLIENT:ENV,') notifications up to the second REAUTH ($(names "$T/dcovpn-mgmt.txt" | grep -o '^< >CLIENT:REAUTH,[0-9,]*' | tr '\n' ' ')), $(names "$T/dcovpn-mgmt.txt" | grep -c '^< >CLIENT:ENV,') ENV names: the same as openvpn's, in its order"
echo "PASS: $CASE"
