#!/usr/bin/env bash
# Static key mode with OpenVPN 2.7 (which wants
# allow-deprecated-insecure-static-crypto for it; dcovpn accepts the line
# too): the case of udp4_static.sh with a 2.7 peer.
. "$(dirname "$0")/ovpn27.bash"
OVPN_EXTRA=allow-deprecated-insecure-static-crypto
. "$(dirname "$0")/udp4_static.sh"
