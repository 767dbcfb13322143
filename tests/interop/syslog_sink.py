#!/usr/bin/env python3
"""A stand-in syslog daemon: receive datagrams on a UNIX socket (PATH) and
append each, one per line, to OUT. Stops by itself after 120 s.

  syslog_sink.py PATH OUT
"""
import os
import socket
import sys
import time

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if os.path.exists(path):
    os.unlink(path)
s.bind(path)
s.settimeout(1)
deadline = time.monotonic() + 120
with open(out, "ab", buffering=0) as f:
    while time.monotonic() < deadline:
        try:
            f.write(s.recv(65536).rstrip(b"\0") + b"\n")
        except socket.timeout:
            pass
