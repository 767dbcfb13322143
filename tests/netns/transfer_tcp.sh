#!/bin/bash
# 50 MB over TCP through the tunnel on the TCP transport, SHA-256 checked.
. "$(dirname "$0")/lib.sh"
ns_setup
cli_pair tcp i4
xfer b a 50
