#!/usr/bin/env bash
# dyn-tls-crypt on a dcovpn server (tls-crypt-v2, reneg-sec 5) under 14 s
# of pings from three clients:
#   c1 dcovpn (also renegotiating every 4 s itself) and c2 openvpn 2.6
#      announce dyn-tls-crypt (2.6.0 has it too): both are pushed it and
#      renegotiate under the key each pair derives (Kc mixed in);
#   c3 dcovpn announcing no dyn-tls-crypt (DCOVPN_TEST_NO_EKM leaves the
#      bit out): not pushed it, renegotiates under its tls-crypt-v2 key.
# Each renegotiates at least twice and loses no more than 2 %.
. "$(dirname "$0")/server_lib.bash"
ns_setup 3
pki_make
server_conf udp v2 "reneg-sec 5"
client_conf 1 udp v2 "reneg-sec 4"
client_conf 2 udp v2
client_conf 3 udp v2
start_server
start_client 1 dcovpn
start_client 2 openvpn
DCOVPN_TEST_NO_EKM=1 start_client 3 dcovpn
pids=()
for i in 1 2 3; do
	wait_client "$i"
	wait_for 15 in_c "$i" ping -c1 -W1 "$TUN4_S" || fail "c$i -> server ping"
	in_c "$i" ping -c 70 -i 0.2 -W 2 "$TUN4_S" >"$T/ping$i.log" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}" || true
for i in 1 2 3; do
	loss=$(grep -oE '[0-9.]+% packet loss' "$T/ping$i.log" | cut -d% -f1)
	awk -v l="$loss" 'BEGIN { exit !(l != "" && l <= 2) }' ||
		{ cat "$T/ping$i.log"; fail "c$i ping loss '$loss'%"; }
done
n1=$(grep -c "soft reset of key-id .* completed" "${CLI_LOG[1]}" || true)
n2=$(($(grep -c "Control Channel: TLS" "${CLI_LOG[2]}" || true) - 1))
n3=$(grep -c "soft reset of key-id .* completed" "${CLI_LOG[3]}" || true)
[ "$n1" -ge 2 ] && [ "$n2" -ge 2 ] && [ "$n3" -ge 2 ] ||
	fail "renegotiations: c1 $n1, c2 $n2, c3 $n3 (want 2 each)"
# (dcovpn logs that it starts dyn-tls-crypt, which it does when pushed)
grep -q "PUSH_REPLY.*protocol-flags cc-exit tls-ekm dyn-tls-crypt" "${CLI_LOG[2]}" ||
	fail "dyn-tls-crypt not pushed to the openvpn 2.6 client"
grep -q "dynamic tls-crypt: Cipher" "${CLI_LOG[2]}" ||
	fail "the openvpn 2.6 client did not set up dynamic tls-crypt"
grep -q "dynamic tls-crypt: renegotiations use" "${CLI_LOG[1]}" ||
	fail "the dcovpn client c1 did not start dynamic tls-crypt"
grep -q "dynamic tls-crypt" "${CLI_LOG[3]}" &&
	fail "c3 started dyn-tls-crypt without announcing it"
log "renegotiations: c1 $n1, c2 $n2, c3 $n3"
echo "PASS: $CASE"
