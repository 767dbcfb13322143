#!/bin/bash
# UDP over IPv6 transport: the tunnel carries pings both ways.
. "$(dirname "$0")/lib.sh"
ns_setup
cli_pair udp i6
ping_both 5
