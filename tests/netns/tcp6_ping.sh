#!/bin/bash
# TCP over IPv6, started the other way round: the connecting side (b) comes
# up first and retries until the listener (a) is there.
. "$(dirname "$0")/lib.sh"
ns_setup
key_gen "$T/key"
cli_up b tcp i6 "$T/key" 1
sleep 1 # b is now retrying its connect: that is what this test is about
cli_up a tcp i6 "$T/key" 0 --listen
tunnel_wait
ping_both 5
