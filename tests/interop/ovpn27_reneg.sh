#!/usr/bin/env bash
# dcovpn client, OpenVPN 2.7 server renegotiating every 6 s (reneg-sec on
# the server) under 20 Mbit/s of iperf3 and pings for 16 s: no stalled
# second, pings answered. dcovpn does not announce dyn-tls-crypt, so 2.7
# keeps the static tls-crypt key for the renegotiations.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/lib.sh"
RENEG_SECS=${RENEG_SECS:-16} RENEG_SEC=6 MB=${MB:-5} run_reneg udp server
echo "PASS: $CASE"
