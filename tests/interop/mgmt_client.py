#!/usr/bin/env python3
"""A scripted management-interface client (OpenVPN's protocol).

  mgmt_client.py ADDR STEP [STEP ...]

ADDR is HOST:PORT or a unix socket path; listen:HOST:PORT waits (20 s at
most) for the daemon to connect (management-client) instead. Each STEP is one of
  send:COMMAND     send a command line
  expect:REGEX     wait (20 s at most) for a received line matching REGEX
  absent:REGEX     no line received so far matched REGEX
  close            close the connection
  run:SHELL        run a shell command (a signal from outside) and go on
Every received line is printed, prefixed with "< ". Exit status 1 (with
the reason) when an expectation fails; lines already seen count for the
next expect, so the order of lines is checked step by step.
"""
import re
import socket
import subprocess
import sys
import time


def accept_one(addr):
    host, port = addr.rsplit(":", 1)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, int(port)))
    ls.listen(1)
    ls.settimeout(20)
    s, _ = ls.accept()
    ls.close()
    return s


def connect(addr):
    if addr.startswith("listen:"):
        return accept_one(addr[len("listen:"):])
    if addr.startswith("/"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = addr
    else:
        host, port = addr.rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = (host, int(port))
    deadline = time.monotonic() + 20
    while True:
        try:
            s.connect(target)
            return s
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class LineReader:
    """Whole lines from a socket with a timeout set: next() gives the
    lines that came (maybe none) or None once the peer closed."""

    def __init__(self, s):
        self.s, self.buf = s, b""

    def next(self):
        try:
            data = self.s.recv(65536)
        except socket.timeout:
            return []
        if not data:
            return None
        self.buf += data
        *done, self.buf = self.buf.split(b"\n")
        return [raw.decode(errors="replace").rstrip("\r") for raw in done]


def main():
    addr, steps = sys.argv[1], sys.argv[2:]
    s = connect(addr)
    s.settimeout(0.2)
    buf = b""
    lines = []
    pos = 0
    for step in steps:
        kind, _, arg = step.partition(":")
        if kind == "send":
            s.sendall(arg.encode() + b"\n")
            continue
        if kind == "run":
            subprocess.run(arg, shell=True, check=True)
            continue
        if kind == "close":
            s.close()
            return 0
        pat = re.compile(arg)
        if kind == "absent":
            if any(pat.search(line) for line in lines):
                print(f"FAIL: a line matched {arg!r}")
                return 1
            continue
        deadline = time.monotonic() + 20
        while True:
            hit = next((i for i in range(pos, len(lines))
                        if pat.search(lines[i])), None)
            if hit is not None:
                pos = hit + 1
                break
            if time.monotonic() > deadline:
                print(f"FAIL: no line matched {arg!r} within 20 s")
                return 1
            try:
                data = s.recv(65536)
            except socket.timeout:
                continue
            if not data:
                print(f"FAIL: connection closed waiting for {arg!r}")
                return 1
            buf += data
            # "ENTER PASSWORD:" comes without a line end
            if buf.startswith(b"ENTER PASSWORD:"):
                lines.append("ENTER PASSWORD:")
                print("< ENTER PASSWORD:")
                buf = buf[len(b"ENTER PASSWORD:"):]
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.decode(errors="replace").rstrip("\r")
                lines.append(text)
                print("< " + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
