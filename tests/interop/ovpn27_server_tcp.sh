#!/usr/bin/env bash
# The same as ovpn27_server_udp.sh over TCP.
CASE=ovpn27_server_tcp PROTO=tcp exec bash "$(dirname "$0")/ovpn27_server_udp.sh"
