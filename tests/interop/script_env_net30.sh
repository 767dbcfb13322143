#!/usr/bin/env bash
# script_env with the server in topology net30 (ifconfig_remote,
# ifconfig_pool_local_ip, the client's point-to-point addresses), compared
# with openvpn 2.6 the same way.
CASE=script_env_net30 TOPO=net30 exec "$(dirname "$0")/script_env.sh"
