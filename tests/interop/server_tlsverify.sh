#!/usr/bin/env bash
# tls-verify and tls-export-cert on a dcovpn server, openvpn 2.6 clients:
# the script runs for each certificate of a client's chain, the deepest
# first, with "DEPTH SUBJECT" as OpenVPN appends them, untrusted_ip, the
# X509_N_* of that chain and peer_cert (the certificate as PEM, removed
# after the run); exit 1 for cli2 keeps it out (VERIFY SCRIPT ERROR; told
# RESTART, it tries again), and cli3's script taking 4 s holds up only cli3:
# cli1, started after it, is in within 3 s. The same config on openvpn 2.6
# as the server gives the script the same arguments.
. "$(dirname "$0")/server_lib.bash"
ns_setup 3
pki_make
mkdir -m 700 "$T/pef"
cat >"$T/verify.sh" <<'X'
#!/bin/sh
d=$(dirname "$0")
subj=$(openssl x509 -in "$peer_cert" -noout -subject -nameopt sep_comma_plus_space 2>&1)
echo "$1|$2|$untrusted_ip|$(eval echo \"\$X509_$1_CN\")|$subj" >>"$d/verify-$SERVER_KIND.txt"
case $2 in *cli2*) exit 1 ;; *cli3*) sleep 4 ;; esac
exit 0
X
chmod +x "$T/verify.sh"
server_conf udp none "tun-mtu 1400" "script-security 2" "tls-verify $T/verify.sh" \
	"tls-export-cert $T/pef" "setenv SERVER_KIND dcovpn"
for i in 1 2 3; do client_conf "$i" udp none disable-dco "tun-mtu 1400"; done
start_server
start_client 3 openvpn
wait_for 10 grep -q "CN=cli3" "$T/verify-dcovpn.txt" || fail "no tls-verify run for cli3"
t0=$(date +%s.%N)
start_client 1 openvpn
start_client 2 openvpn
wait_client 1
t1=$(date +%s.%N)
python3 -c "import sys; sys.exit(0 if $t1 - $t0 < 3 else 1)" ||
	fail "cli1 waited $(python3 -c "print(round($t1 - $t0, 2))") s behind cli3's slow script"
wait_client 3
wait_for 10 in_c 1 ping -c1 -W1 "$TUN4_S" || fail "c1 ping"
wait_for 10 grep -q "VERIFY SCRIPT ERROR: depth=0, CN=cli2" "$T/server.log" || fail "cli2 not refused"
! grep -q "Initialization Sequence Completed" "${CLI_LOG[2]}" || fail "cli2 connected"
grep -q "VERIFY SCRIPT OK: depth=1, CN=sv-ca" "$T/server.log" || fail "no depth 1 run"
grep -qx "1|CN=sv-ca|198.18.66.11|sv-ca|subject=CN=sv-ca" "$T/verify-dcovpn.txt" ||
	fail "depth 1 run of cli1: arguments or environment"
grep -qx "0|CN=cli1|198.18.66.11|cli1|subject=CN=cli1" "$T/verify-dcovpn.txt" ||
	fail "depth 0 run of cli1: arguments or environment"

# openvpn 2.6 as the server on the same configuration: the same arguments
stop_pid "${CLI_PIDS[1]}"; stop_pid "${CLI_PIDS[2]}"; stop_pid "${CLI_PIDS[3]}"
stop_pid "$SRV_PID"
# every run's file removed (cli2 retried until the end)
[ -z "$(ls -A "$T/pef")" ] || fail "exported certificates left behind: $(ls "$T/pef")"
sed -i 's/^setenv SERVER_KIND dcovpn/setenv SERVER_KIND openvpn/' "$T/server.conf"
ip netns exec "$NS_S" "$OPENVPN" --config "$T/server.conf" >"$T/server-openvpn.log" 2>&1 &
SRV_PID=$!
wait_for 10 grep -q "Initialization Sequence Completed" "$T/server-openvpn.log" ||
	fail "openvpn server did not start"
start_client 1 openvpn
wait_for 30 bash -c "[ \$(grep -c 'Initialization Sequence Completed' '${CLI_LOG[1]}') -ge 1 ]" ||
	fail "cli1 not in with openvpn as the server"
diff <(grep '|198.18.66.11|' "$T/verify-dcovpn.txt" | sort -u) \
	<(sort -u "$T/verify-openvpn.txt") || fail "tls-verify runs differ from openvpn's"
echo "PASS: $CASE"
