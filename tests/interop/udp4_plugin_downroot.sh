#!/usr/bin/env bash
# --plugin openvpn-plugin-down-root.so (Debian's, unchanged) on a client
# with "user nobody" / "group nogroup": the plugin's helper, forked at the
# UP event while still root, runs the down command as root when the
# client ends, while the plain --down script runs as nobody. The same
# config run by openvpn 2.6 as the client gives the same two identities.
# The same on a server (the DOWN event at its end), dcovpn and openvpn.
. "$(dirname "$0")/server_lib.bash"
PLUGDIR=/usr/lib/x86_64-linux-gnu/openvpn/plugins
[ -f "$PLUGDIR/openvpn-plugin-down-root.so" ] || fail "down-root plugin missing"
ns_setup 2
pki_make
chmod 755 "$T"
mkdir -m 1777 "$T/out"
cat >"$T/whoami.sh" <<X
#!/bin/sh
# \$1: the file to write; then OpenVPN's arguments: dev mtu ...
echo "\$(id -u) \$script_type \$2 \$dev" >"$T/out/\$1"
X
chmod 755 "$T/whoami.sh"
srv_conf() {
	server_conf udp crypt "user nobody" "group nogroup" "script-security 2" \
		"plugin openvpn-plugin-down-root.so \"$T/whoami.sh root-down-srv-$1\""
}
srv_conf dcovpn
for i in 1 2; do
	client_conf "$i" udp crypt "user nobody" "group nogroup" "script-security 2" \
		"plugin openvpn-plugin-down-root.so \"$T/whoami.sh root-down-$i\"" \
		"down \"$T/whoami.sh plain-down-$i\""
done
start_server
start_client 1 dcovpn
start_client 2 openvpn
for i in 1 2; do
	wait_client "$i"
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i: no ping"
done
grep -q "PLUGIN_INIT: POST openvpn-plugin-down-root.so" "${CLI_LOG[1]}" ||
	fail "dcovpn did not open the plugin"
for i in 1 2; do
	stop_pid "${CLI_PIDS[$i]}"
	wait_for 10 test -s "$T/out/root-down-$i" || fail "c$i: down-root did not run its command"
	wait_for 10 test -s "$T/out/plain-down-$i" || fail "c$i: no plain down script"
	log "c$i: down-root: $(cat "$T/out/root-down-$i"); plain: $(cat "$T/out/plain-down-$i")"
done
for i in 1 2; do
	read -r uid _ <"$T/out/root-down-$i"
	[ "$uid" = 0 ] || fail "c$i: down-root's command ran as uid $uid, not root"
	read -r uid _ <"$T/out/plain-down-$i"
	[ "$uid" = 65534 ] || fail "c$i: the plain down script ran as uid $uid, not nobody"
done
grep -q "dropped privileges to user nobody" "$T/server.log" ||
	fail "the dcovpn server did not give up root"
stop_pid "$SRV_PID"
mv "$T/server.log" "$T/server-dcovpn.log"
srv_conf openvpn
DCOVPN=$OPENVPN start_server
stop_pid "$SRV_PID"
for kind in dcovpn openvpn; do
	wait_for 10 test -s "$T/out/root-down-srv-$kind" ||
		fail "$kind server: down-root did not run its command"
	read -r uid _ <"$T/out/root-down-srv-$kind"
	[ "$uid" = 0 ] || fail "$kind server: down-root's command ran as uid $uid"
	log "$kind server: down-root: $(cat "$T/out/root-down-srv-$kind")"
done
# what the command saw (arguments, environment) is OpenVPN's
[ "$(cat "$T/out/root-down-1")" = "$(cat "$T/out/root-down-2")" ] ||
	fail "down-root's command saw '$(cat "$T/out/root-down-1")', under openvpn '$(cat "$T/out/root-down-2")'"
echo "PASS: $CASE"
