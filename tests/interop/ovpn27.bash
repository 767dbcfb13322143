# Sourced by the ovpn27_*.sh cases before lib.sh / server_lib.bash: the peer
# is OpenVPN 2.7 from Debian unstable (scripts/openvpn27.sh fetches it once
# into OPENVPN27_DIR and gives a wrapper that runs it through its own loader;
# the system's openvpn 2.6 stays as it is). Unreachable archive: SKIP, except
# under CI (CI=true), where that is a failure.
OV27_CASE=${CASE:-$(basename "$0" .sh)}
OV27_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OV27_RC=0
OPENVPN=$("$OV27_ROOT/scripts/openvpn27.sh" 2>/tmp/openvpn27-$$.err) || OV27_RC=$?
if [ "$OV27_RC" -ne 0 ]; then
	cat /tmp/openvpn27-$$.err
	rm -f /tmp/openvpn27-$$.err
	if [ "$OV27_RC" -eq 2 ] && [ "${CI:-}" != true ]; then
		echo "SKIP: $OV27_CASE: OpenVPN 2.7 cannot be fetched (Debian's archive unreachable)"
		exit 0
	fi
	echo "FAIL: $OV27_CASE: scripts/openvpn27.sh failed (status $OV27_RC)"
	exit 1
fi
echo "# peer: $(head -n1 /tmp/openvpn27-$$.err)"
rm -f /tmp/openvpn27-$$.err
export OPENVPN

# ov27_epochs LOG WHO: the 2.7 peer's log (WHO: "server"/"client") shows
# aead-epoch pushed, its epoch data keys set up, no data packet refused,
# and at least 3 new epochs received from dcovpn (only the epoch format
# carries one); sets EPOCHS to that count.
ov27_epochs() {
	local f=$1 who=$2
	grep -q "PUSH_REPLY.*protocol-flags .*aead-epoch" "$f" ||
		fail "no aead-epoch in the PUSH_REPLY (2.7 $who's log)"
	grep -q "Outgoing Epoch Data key 1" "$f" ||
		fail "the 2.7 $who did not set up epoch data keys"
	! grep -qE "AEAD Decrypt error|unknown epoch" "$f" ||
		fail "the 2.7 $who refused data packets"
	EPOCHS=$(grep -cE "Received data packet with new epoch [0-9]+" "$f" || true)
	[ "$EPOCHS" -ge 3 ] ||
		fail "the 2.7 $who saw $EPOCHS new epochs from dcovpn, want >= 3"
}
