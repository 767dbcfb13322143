#!/usr/bin/env bash
# ovpn27_server_udp.sh with tls-crypt-v2: the 2.7 client's key made by
# OpenVPN 2.7's --genkey (2.7 writes its own metadata), the server key by dcovpn.
CASE=ovpn27_server_v2 WRAP=v2 MB=${MB:-5} exec bash "$(dirname "$0")/ovpn27_server_udp.sh"
