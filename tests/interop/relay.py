#!/usr/bin/env python3
"""A bad UDP link for the interop tests: relay.py LISTEN_ADDR PORT TO_ADDR PORT LOSS SECONDS

Forwards datagrams between one client (whoever sends first to the listen
port) and the server, dropping a fraction LOSS of them in each direction
and swapping some neighbours (every 4th kept packet is held back and sent
after the next one). Runs at most SECONDS.
"""
import random
import select
import socket
import sys
import time


def main():
    laddr, lport, taddr, tport, loss, secs = sys.argv[1:7]
    loss = float(loss)
    fam = socket.AF_INET6 if ':' in laddr else socket.AF_INET
    front = socket.socket(fam, socket.SOCK_DGRAM)
    front.bind((laddr, int(lport)))
    back = socket.socket(fam, socket.SOCK_DGRAM)
    back.connect((taddr, int(tport)))
    client = None
    held = {front: None, back: None}
    kept = 0
    end = time.monotonic() + float(secs)
    while time.monotonic() < end:
        r, _, _ = select.select([front, back], [], [], 0.5)
        for s in r:
            data, addr = s.recvfrom(65535)
            if s is front:
                client = addr
            if random.random() < loss or client is None:
                continue
            out = back if s is front else front

            def send(d):
                if out is back:
                    back.send(d)
                else:
                    front.sendto(d, client)
            kept += 1
            if held[out] is None and kept % 4 == 0:
                held[out] = data
                continue
            send(data)
            if held[out] is not None:
                send(held[out])
                held[out] = None


if __name__ == '__main__':
    main()
