#!/usr/bin/env bash
# server_tap with OpenVPN 2.7 clients: the dcovpn tap server switches the
# frames of two 2.7 clients and a dcovpn client (ARP between clients,
# pings, transfers).
. "$(dirname "$0")/ovpn27.bash"
. "$(dirname "$0")/server_tap.sh"
