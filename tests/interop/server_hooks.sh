#!/usr/bin/env bash
# dcovpn UDP server hooks: auth-user-pass-verify via-file (one openvpn 2.6
# client with the right password, one with a wrong one: AUTH_FAILED; a
# dcovpn client via username-as-common-name), client-connect whose file
# gives an address, client-disconnect with the byte counts, learn-address
# add/delete, all with OpenVPN's environment variables.
. "$(dirname "$0")/server_lib.bash"
ns_setup 3
pki_make
cat >"$T/auth.sh" <<'X'
#!/bin/sh
# $1: file with username and password lines
u=$(sed -n 1p "$1"); p=$(sed -n 2p "$1")
# --tmp-dir: the credentials file is made there
case $1 in "$(dirname "$0")"/tmpd/dcovpn_up_*) ;; *) echo "tmp $1" >>"$(dirname "$0")/hooks.txt"; exit 1 ;; esac
echo "auth $u $common_name $untrusted_ip" >>"$(dirname "$0")/hooks.txt"
[ "$p" = "secret-$u" ]
X
cat >"$T/connect.sh" <<'X'
#!/bin/sh
echo "connect $common_name $ifconfig_pool_remote_ip $trusted_ip $IV_VER" >>"$(dirname "$0")/hooks.txt"
[ "$common_name" = cli1 ] && echo "ifconfig-push 198.19.66.77 255.255.255.0" >"$1"
exit 0
X
cat >"$T/disconnect.sh" <<'X'
#!/bin/sh
echo "disconnect $common_name $bytes_received $bytes_sent $time_duration" >>"$(dirname "$0")/hooks.txt"
X
cat >"$T/learn.sh" <<'X'
#!/bin/sh
echo "learn $1 $2 $3" >>"$(dirname "$0")/hooks.txt"
X
chmod +x "$T"/*.sh
mkdir -m 700 "$T/tmpd"
server_conf udp none "tun-mtu 1400" "script-security 2" "tmp-dir $T/tmpd" "mlock" \
	"auth-user-pass-verify $T/auth.sh via-file" "client-connect $T/connect.sh" \
	"client-disconnect $T/disconnect.sh" "learn-address $T/learn.sh"
sed -i 's/^status-version 2/status-version 3/' "$T/server.conf"
for i in 1 2 3; do
	printf 'u%s\nsecret-u%s\n' "$i" "$i" >"$T/up$i"
done
printf 'u2\nwrong\n' >"$T/up2"
client_conf 1 udp none disable-dco "tun-mtu 1400" "auth-user-pass $T/up1" "explicit-exit-notify 1"
client_conf 2 udp none disable-dco "tun-mtu 1400" "auth-user-pass $T/up2"
client_conf 3 udp none "tun-mtu 1400" "auth-user-pass $T/up3"
start_server
start_client 1 openvpn
start_client 2 openvpn
start_client 3 dcovpn
wait_client 1
wait_client 3
wait_for 10 grep -q AUTH_FAILED "${CLI_LOG[2]}" || fail "wrong password not refused"
[ "$(client_tun4 1)" = 198.19.66.77 ] || fail "client-connect address not used ($(client_tun4 1))"
wait_for 10 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1 ping"
wait_for 10 in_c 3 ping -c1 -W1 "$TUN4_S" || fail "c3 ping"
grep -q "^auth u1 cli1 198.18.66.11$" "$T/hooks.txt" || fail "auth env"
grep -q "^connect cli1 .* 198.18.66.11 2\.6" "$T/hooks.txt" || fail "client-connect env"
grep -q "^learn add 198.19.66.77 cli1$" "$T/hooks.txt" || fail "learn-address add"
sleep 1.2
status_valid 3 || fail "status file (version 3) malformed"
grep -qP '^CLIENT_LIST\tcli1\t.*\tu1\t' "$T/status" || fail "status v3 lacks cli1 with username u1"
stop_pid "${CLI_PIDS[1]}"
wait_for 15 grep -q "^disconnect cli1 [1-9][0-9]* [1-9][0-9]* [0-9]" "$T/hooks.txt" ||
	fail "client-disconnect not run (or no byte counts)"
wait_for 5 grep -q "^learn delete 198.19.66.77" "$T/hooks.txt" || fail "learn-address delete"
echo "PASS: $CASE"
