#!/usr/bin/env bash
# Usernames as OpenVPN 2.6 takes them (auth-user-pass with
# username-as-common-name; openvpn 2.6 clients, and dcovpn's for the
# control bytes openvpn would not send): control bytes become '_' at the source, so
# the log, the status file and the scripts see the safe name; a
# 64-character username becomes the whole common name; a 65-character one
# is refused with OpenVPN's message, never silently cut.
. "$(dirname "$0")/server_lib.bash"
ns_setup 3
pki_make
U64=$(printf 'u%.0s' $(seq 64))
USERS=($'ctl\x1b[1muser\x7f' "$U64" "${U64}v")
cat >"$T/auth.sh" <<'X'
#!/bin/sh
exit 0
X
env_recorder "$T/connect.sh" username
chmod +x "$T"/*.sh
server_conf udp none "tun-mtu 1400" "script-security 2" "username-as-common-name" \
	"auth-user-pass-verify $T/auth.sh via-file" "client-connect $T/connect.sh"
start_server
for i in 1 2 3; do
	printf '%s\nsecret\n' "${USERS[$((i - 1))]}" >"$T/up$i"
	client_conf "$i" udp none "tun-mtu 1400" "auth-user-pass $T/up$i" \
		"$([ "$i" = 1 ] && echo "# dcovpn" || echo disable-dco)"
	# openvpn removes control bytes before sending (misc.c); a hostile
	# client does not: dcovpn's sends the name as the file has it
	start_client "$i" "$([ "$i" = 1 ] && echo dcovpn || echo openvpn)"
done
wait_client 1
wait_client 2
wait_for 15 grep -q AUTH_FAILED "${CLI_LOG[3]}" || fail "a 65-character username was let in"
grep -qF "TLS Auth Error: --username-as-common name specified and username is longer than the maximum permitted Common Name length of 64 characters" \
	"$T/server.log" || fail "no OpenVPN message for the long username"
sleep 1.2
for n in "ctl_[1muser_" "$U64"; do
	grep -qF "CLIENT_LIST,$n,198.18.66." "$T/status" || fail "status without '$n'"
done
! grep -qF "${U64}v" "$T/status" || fail "the long username is listed"
! LC_ALL=C grep -qP '[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]' "$T/status" "$T/server.log" ||
	fail "control bytes in the status file or the log"
env_recorded "ctl_[1muser_" "$U64" || fail "client-connect environment (common_name, username)"
echo "PASS: $CASE"
