#!/usr/bin/env python3
"""TCP bulk transfer for the network tests.

  xfer.py recv ADDR PORT        accept one connection, print "BYTES SHA256"
  xfer.py send ADDR PORT FILE   connect (retrying up to 10 s) and send FILE
Every wait is bounded (60 s without progress ends the run).
"""
import hashlib
import socket
import sys
import time


def recv(addr, port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(60)
    conn, _ = srv.accept()
    conn.settimeout(60)
    h = hashlib.sha256()
    n = 0
    while True:
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        h.update(chunk)
        n += len(chunk)
    print(n, h.hexdigest())


def send(addr, port, path):
    deadline = time.monotonic() + 10
    while True:
        try:
            conn = socket.create_connection((addr, port), timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    conn.settimeout(60)
    with open(path, 'rb') as f:
        while True:
            chunk = f.read(1 << 16)
            if not chunk:
                break
            conn.sendall(chunk)
    conn.shutdown(socket.SHUT_WR)
    conn.recv(1)  # wait for the receiver to close: all data was read
    conn.close()


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'recv':
        recv(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == 'send':
        send(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
