#!/usr/bin/env python3
"""Hostile management clients (OpenVPN's protocol), for the hardening tests.

  mgmt_flood.py flood ADDR SECONDS PASSWORD STOPFILE
      log in, then send "help" and "status 2" as fast as the socket takes
      them and never read; reconnect when dropped. Stops after SECONDS or
      once STOPFILE exists; prints "sent N commands, M connections".
  mgmt_flood.py guess ADDR N
      send N wrong passwords at once on one connection and print the time
      (seconds since the first) at which each "ERROR: bad password" came.

ADDR is HOST:PORT.
"""
import os
import select
import socket
import sys
import time


def connect(addr):
    host, port = addr.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=5)


def flood(addr, seconds, password, stopfile):
    end = time.monotonic() + seconds

    def going():
        return time.monotonic() < end and not os.path.exists(stopfile)

    sent = conns = 0
    burst = b"help\nstatus 2\n" * 64
    while going():
        try:
            s = connect(addr)
        except OSError:
            time.sleep(0.05)
            continue
        conns += 1
        s.setblocking(False)
        try:
            s.send(password.encode() + b"\n")
            while going():
                _, w, _ = select.select([], [s], [], 0.1)
                if w:
                    n = s.send(burst)
                    sent += burst[:n].count(b"\n")
        except OSError:
            pass
        s.close()
    print(f"sent {sent} commands, {conns} connections")


def guess(addr, n):
    s = connect(addr)
    t0 = time.monotonic()
    s.sendall(b"".join(b"wrong%d\n" % i for i in range(n)))
    buf = b""
    times = []
    s.settimeout(0.2)
    while len(times) < n and time.monotonic() < t0 + 60:
        try:
            data = s.recv(4096)
        except socket.timeout:
            continue
        if not data:
            break
        buf += data
        while b"ERROR: bad password" in buf:
            times.append(time.monotonic() - t0)
            buf = buf.split(b"ERROR: bad password", 1)[1]
    print(" ".join(f"{t:.2f}" for t in times))


if __name__ == "__main__":
    if sys.argv[1] == "flood":
        flood(sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        guess(sys.argv[2], int(sys.argv[3]))
