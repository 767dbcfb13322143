#!/usr/bin/env python3
"""UDP datagrams through the tunnel, each checked byte for byte.

  udpburst.py recv ADDR PORT COUNT   print "RECEIVED CORRUPT" after COUNT
                                     datagrams or 3 s of silence (60 s cap)
  udpburst.py send ADDR PORT COUNT   send COUNT datagrams in runs of equal
                                     size (what coalescing merges), then a
                                     few odd sizes
Every datagram carries its number; its content is a function of the number
and its length, so any reordering of bytes, truncation or merging shows.
"""
import socket
import struct
import sys
import time

SIZES = [1200] * 20 + [64] * 30 + [700] * 10 + [1] + [333] * 5 + [1372] * 8


def body(seq, size):
    head = struct.pack("!II", seq, size)
    if size < len(head):
        return bytes([seq & 0xFF])[:size]
    fill = bytes((seq * 31 + i * 7) & 0xFF for i in range(size - len(head)))
    return head + fill


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv(addr, port, count):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((addr, port))
    got = corrupt = 0
    seen = set()
    cap = time.monotonic() + 60
    s.settimeout(30)  # the sender starts within this
    while got < count and time.monotonic() < cap:
        try:
            d = s.recv(65535)
        except socket.timeout:
            break
        s.settimeout(3)
        if len(d) < 8:
            seq = d[0] if d else -1
            ok = len(d) == 1
        else:
            seq, size = struct.unpack("!II", d[:8])
            ok = size == len(d) and d == body(seq, size) and seq not in seen
        seen.add(seq)
        got += 1
        corrupt += 0 if ok else 1
    print(got, corrupt)


def send(addr, port, count):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    deadline = time.monotonic() + 30
    for seq in range(count):
        size = SIZES[seq % len(SIZES)]
        while True:
            try:
                s.sendto(body(seq, size), (addr, port))
                break
            except OSError:  # a full queue: wait, within the bound
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.001)
        if seq % 64 == 63:
            time.sleep(0.0005)  # bursts, not a flood the receiver drops


if __name__ == "__main__":
    mode, a, p, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    (recv if mode == "recv" else send)(a, p, n)
