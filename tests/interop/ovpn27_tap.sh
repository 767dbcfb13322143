#!/usr/bin/env bash
# udp4_tap against an OpenVPN 2.7 server: dcovpn client, dev tap, the 2.7
# server in tap mode; ARP, pings, a transfer each way, no fragments.
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/udp4_tap.sh"
