#!/usr/bin/env bash
# learn-address and client-disconnect run from the event loop but in
# order, one at a time, as OpenVPN runs them: c1's learn-address "add"
# takes 3 s; meanwhile c2 (openvpn 2.6) must come up within 2 s (the old
# synchronous runner held every client for the 3 s); then c1 leaves: its
# client-disconnect and "delete"s start only after every earlier script
# ended, and no two of these scripts ever overlap.
. "$(dirname "$0")/server_lib.bash"
ns_setup 2
pki_make
cat >"$T/ev.sh" <<'X'
#!/bin/sh
d=$(dirname "$0")
what="$script_type $1 $common_name"
[ "$script_type" = learn-address ] && what="$script_type $1 $2 $3"
echo "start $what" >>"$d/ev.log"
case "$script_type $1 $3" in
"learn-address add cli1") touch "$d/slow.started"; sleep 3 ;;
esac
echo "end $what" >>"$d/ev.log"
X
chmod +x "$T/ev.sh"
server_conf udp none "script-security 2" "learn-address $T/ev.sh" \
	"client-disconnect $T/ev.sh"
client_conf 1 udp none disable-dco "explicit-exit-notify 1"
client_conf 2 udp none disable-dco
start_server
start_client 1 openvpn
wait_for 15 test -f "$T/slow.started" || fail "c1's learn-address did not start"
t0=$(date +%s%3N)
start_client 2 openvpn
wait_client 2
ms=$(($(date +%s%3N) - t0))
log "c2 up ${ms} ms after it started, during c1's 3 s learn-address"
[ "$ms" -lt 2000 ] || fail "c2 took ${ms} ms: held up by c1's learn-address"
wait_client 1
stop_pid "${CLI_PIDS[1]}"
wait_for 15 grep -q "^end learn-address delete fd00" "$T/ev.log" ||
	{ cat "$T/ev.log"; fail "c1's learn-address delete did not run"; }
# no overlap: every start is followed by its own end
awk '/^start/ { if (open != "") bad = 1; open = substr($0, 7); next }
     /^end/ { if (substr($0, 5) != open) bad = 1; open = ""; next }
     END { exit bad || open != "" }' "$T/ev.log" ||
	{ cat "$T/ev.log"; fail "scripts overlapped"; }
# c1: add, add, client-disconnect, delete, delete in that order
grep -E "^start (learn-address (add|delete) [^ ]+ ?(cli1)?|client-disconnect  cli1)$" "$T/ev.log" |
	grep -v "cli2" | awk '{ print $2, $3 }' | tr '\n' ',' >"$T/c1.seq"
[ "$(cat "$T/c1.seq")" = "learn-address add,learn-address add,client-disconnect cli1,learn-address delete,learn-address delete," ] ||
	{ cat "$T/ev.log"; fail "c1's scripts out of order: $(cat "$T/c1.seq")"; }
echo "PASS: $CASE"
