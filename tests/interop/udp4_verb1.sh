#!/usr/bin/env bash
# --verb 1 (NetworkManager's plugin and many configs run that low): the
# client still prints "Initialization Sequence Completed", as OpenVPN does
# from verb 1 on (start_client waits for it), and nothing of verb 3 or more.
. "$(dirname "$0")/lib.sh"
CLIENT_EXTRA=("verb 1")
MB=1 run_basic udp 4 crypt
grep -q "Data Channel: cipher" "$T/client.log" && fail "verb 1 shows verb-3 lines"
echo "PASS: $CASE"
