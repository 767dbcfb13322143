#!/usr/bin/env bash
# udp4_p2p against OpenVPN 2.7 as the P2P TLS server: 2.7's P2P NCP
# negotiates epoch data keys with dcovpn (both log epoch=1; 2.7 sets up its
# epoch keys) and a transfer each way arrives intact.
. "$(dirname "$0")/ovpn27.bash"
P2P_EPOCH=1
. "$(dirname "$0")/udp4_p2p.sh"
