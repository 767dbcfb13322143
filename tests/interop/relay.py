#!/usr/bin/env python3
"""A bad UDP link for the interop tests: relay.py LISTEN_ADDR PORT TO_ADDR PORT LOSS SECONDS

Forwards datagrams between one client (whoever sends first to the listen
port) and the server, dropping a fraction LOSS of them in each direction
and swapping some neighbours: every 4th kept packet is held back and sent
after the next one in its direction, or after HOLD_MAX if none follows
within it. Runs at most SECONDS.

The bound matters: a lone packet (a retransmitted handshake packet, a TCP
segment sent after a retransmission timeout, its ACK) has no next one
for seconds, and holding it until then made the swap a loss and a
delay of seconds, not a reordering.
"""
import random
import select
import socket
import sys
import time

HOLD_MAX = 0.01  # seconds; real reordering is a few packets, not seconds


class Direction:
    """One way through the relay: where it sends, and what it holds."""

    def __init__(self, send):
        self.send = send
        self.held = None
        self.held_until = 0.0

    def hold(self, data, now):
        self.held = data
        self.held_until = now + HOLD_MAX

    def release(self):
        if self.held is not None:
            self.send(self.held)
            self.held = None


def main():
    laddr, lport, taddr, tport, loss, secs = sys.argv[1:7]
    loss = float(loss)
    fam = socket.AF_INET6 if ':' in laddr else socket.AF_INET
    front = socket.socket(fam, socket.SOCK_DGRAM)
    front.bind((laddr, int(lport)))
    back = socket.socket(fam, socket.SOCK_DGRAM)
    back.connect((taddr, int(tport)))
    client = None
    to_server = Direction(back.send)
    to_client = Direction(lambda d: front.sendto(d, client))
    kept = 0
    end = time.monotonic() + float(secs)
    while time.monotonic() < end:
        now = time.monotonic()
        wait = 0.5
        for d in (to_server, to_client):
            if d.held is not None:
                wait = min(wait, max(0.0, d.held_until - now))
        r, _, _ = select.select([front, back], [], [], wait)
        now = time.monotonic()
        for s in r:
            data, addr = s.recvfrom(65535)
            if s is front:
                client = addr
            if random.random() < loss or client is None:
                continue
            out = to_server if s is front else to_client
            kept += 1
            if out.held is None and kept % 4 == 0:
                out.hold(data, now)
                continue
            out.send(data)
            out.release()
        for d in (to_server, to_client):
            if d.held is not None and now >= d.held_until:
                d.release()


if __name__ == '__main__':
    main()
