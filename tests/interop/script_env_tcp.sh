#!/usr/bin/env bash
# script_env over TCP (proto tcp4-server / tcp): the same comparison with
# openvpn 2.6, proto_N and the rest as it writes them for TCP.
CASE=script_env_tcp PROTO=tcp exec "$(dirname "$0")/script_env.sh"
