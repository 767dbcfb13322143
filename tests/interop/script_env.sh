#!/usr/bin/env bash
# Script environments, variable for variable, against openvpn 2.6 on the
# same configuration. Every script (client: tls-verify, ipchange, up,
# route-up, route-pre-down, down; server: up, route-up, tls-verify,
# auth-user-pass-verify via-env, client-connect, learn-address add/delete,
# client-disconnect, route-pre-down, down) dumps its arguments and
# environment. Three runs:
#   ref  openvpn server + openvpn client   (what OpenVPN gives both roles)
#   cli  openvpn server + dcovpn client    (our client's scripts)
#   srv  dcovpn server + openvpn client    (our server's scripts)
# Each dump of ours must have exactly the reference's variable NAMES and
# arguments, and the same VALUE for every variable except the short list
# below (things that differ by nature between two runs):
#   daemon_pid daemon_start_time time_unix time_ascii time_duration
#   bytes_received bytes_sent     (process, clock, traffic)
#   untrusted_port trusted_port   (the client's ephemeral source port)
#   auth_control_file auth_failed_reason_file auth_pending_file
#   client_connect_config_file client_connect_deferred_file (temp names;
#                                 their arguments too)
#   dev                           (tunN: whichever number is free)
# The daemons run with an extra variable in their own environment
# (LEAKED_FROM_PARENT): OpenVPN does not pass its environment on, so
# neither may we; the name comparison catches it. openvpn runs
# learn-address delete from a reaper that walks its address table when it
# gets to it: the deletes it ran are compared, and ours must hold what
# openvpn's always do: the arguments and script_type alone (seen in
# multi.c: an empty env_set when the client is gone). tls-verify runs once
# per depth (dumped per depth: at depth 1 only the CA's variables exist).
. "$(dirname "$0")/lib.sh"
ns_setup
pki_make
cat >"$T/dump.sh" <<X
#!/bin/sh
# \$ROLE comes from the config's setenv; learn-address: one per op+family.
# The daemons pass no environment of theirs: the run's directory is in a file.
OUT=\$(cat "$T/outdir")
n="\${ROLE:-srv}-\$script_type"
[ "\$script_type" = tls-verify ] && n="\$n-\$1"
[ "\$script_type" = learn-address ] && n="\$n-\$1-\$(case \$2 in *:*) echo 6;; *) echo 4;; esac)"
{ echo "ARGS=\$# \$*"; env | grep -v '^PWD=' | sort; } >"\$OUT/\$n"
exit 0
X
chmod +x "$T/dump.sh"
printf 'u1\npw1\n' >"$T/up.txt"
D=$T/dump.sh
# PROTO=tcp: the same over TCP (script_env_tcp.sh)
PROTO=${PROTO:-udp}
EEN=()
[ "$PROTO" = udp ] && EEN=("explicit-exit-notify 1")
server_conf "$PROTO" 4 crypt "script-security 2" "setenv ROLE srv" "up $D" "down $D" \
	"route-up $D" "route-pre-down $D" "auth-user-pass-verify $D via-env" \
	"client-connect $D" "client-disconnect $D" "learn-address $D" "tls-verify $D" \
	'push "route 198.19.70.0 255.255.255.0"' 'push "dhcp-option DNS 198.19.64.1"'
# TOPO=net30: the server's topology (script_env_net30.sh)
[ "${TOPO:-subnet}" = net30 ] && sed -i 's/^topology subnet$/topology net30/' "$T/server.conf"
client_conf "$PROTO" 4 crypt "script-security 2" "setenv ROLE cli" "up $D" "down $D" \
	"route-up $D" "route-pre-down $D" "ipchange $D" "tls-verify $D" "auth-user-pass $T/up.txt" "${EEN[@]}"

# run NAME SERVER_BIN CLIENT_BIN: both up, a ping, the client then the
# server stopped by SIGTERM; the dumps in $T/NAME/.
run() {
	local name=$1 sbin=$2 cbin=$3
	OUT=$T/$name
	mkdir -p "$OUT"
	echo "$OUT" >"$T/outdir"
	env LEAKED_FROM_PARENT=1 ip netns exec "$NS_S" "$sbin" --config "$T/server.conf" \
		>"$T/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 10 grep -q "Initialization Sequence Completed" "$T/server.log" ||
		fail "$name: server did not start"
	env LEAKED_FROM_PARENT=1 ip netns exec "$NS_C" "$cbin" --config "$T/client.conf" \
		>"$T/client.log" 2>&1 &
	CLI_PID=$!
	wait_for 30 grep -q "Initialization Sequence Completed" "$T/client.log" ||
		fail "$name: client did not complete initialization"
	wait_for 10 test -f "$OUT/srv-learn-address-add-4" || fail "$name: no learn-address"
	wait_for 10 in_c ping -c1 -W1 "$TUN4_S" || fail "$name: no ping through the tunnel"
	stop_pid "$CLI_PID"
	CLI_PID=
	wait_for 10 test -f "$OUT/srv-client-disconnect" || fail "$name: no client-disconnect"
	# openvpn's learn-address delete comes from a reaper that walks its
	# address table when it gets round to it; ours at once, both families
	if [ "$name" = srv ]; then
		wait_for 10 test -f "$OUT/srv-learn-address-delete-4" -a \
			-f "$OUT/srv-learn-address-delete-6" || fail "$name: no learn-address delete"
	fi
	stop_pid "$SRV_PID"
	SRV_PID=
	cp "$T/server.log" "$T/$name-server.log"
	cp "$T/client.log" "$T/$name-client.log"
}

# The values allowed to differ (see the header).
VOLATILE='^(daemon_pid|daemon_start_time|time_unix|time_ascii|time_duration|bytes_received|bytes_sent|untrusted_port|trusted_port|auth_control_file|auth_failed_reason_file|auth_pending_file|client_connect_config_file|client_connect_deferred_file|dev)='

# compare ROLE RUN: each reference dump of ROLE against RUN's.
compare() {
	local role=$1 run=$2 f base bad=0
	for f in "$T/ref/$role"-*; do
		base=$(basename "$f")
		if [ ! -f "$T/$run/$base" ]; then
			echo "# $run: no $base (script not run)"
			bad=1
			continue
		fi
		if ! diff <(cut -d= -f1 "$f") <(cut -d= -f1 "$T/$run/$base") >"$T/diff"; then
			echo "# $run/$base: variable names differ (< openvpn, > dcovpn):"
			sed 's/^/#   /' "$T/diff"
			bad=1
			continue
		fi
		# ARGS with temp file names: compare their shape
		if ! diff <(grep -Ev "$VOLATILE" "$f" | sed -E 's#(/tmp/|'"$T"'/)[^ ]*#TMP#g') \
			<(grep -Ev "$VOLATILE" "$T/$run/$base" | sed -E 's#(/tmp/|'"$T"'/)[^ ]*#TMP#g') \
			>"$T/diff"; then
			echo "# $run/$base: values differ (< openvpn, > dcovpn):"
			sed 's/^/#   /' "$T/diff"
			bad=1
		fi
	done
	for f in "$T/$run/$role"-*; do
		case $(basename "$f") in srv-learn-address-delete-*) continue ;; esac
		[ -f "$T/ref/$(basename "$f")" ] || { echo "# $run: extra $(basename "$f")"; bad=1; }
	done
	return $bad
}

run ref "$OPENVPN" "$OPENVPN"
run cli "$OPENVPN" "$DCOVPN"
run srv "$DCOVPN" "$OPENVPN"
n_cli=$(ls "$T/ref"/cli-* | wc -l)
n_srv=$(ls "$T/ref"/srv-* | wc -l)
[ "$n_cli" -ge 7 ] && [ "$n_srv" -ge 9 ] || fail "reference run dumped $n_cli client, $n_srv server scripts"
ok=1
for f in "$T/srv"/srv-learn-address-delete-*; do
	[ "$(grep -v '^ARGS=2 delete ' "$f")" = script_type=learn-address ] ||
		{ echo "# $f:"; sed 's/^/#   /' "$f"; ok=0; }
done
compare cli cli || ok=0
compare srv srv || ok=0
[ "$ok" = 1 ] || fail "script environments differ from openvpn's"
log "client: $n_cli script types, server: $n_srv, same names and values as openvpn 2.6"
echo "PASS: $CASE"
