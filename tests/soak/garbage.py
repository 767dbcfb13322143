#!/usr/bin/env python3
"""A UDP garbage flood at a bounded rate, for the soak.

  garbage.py HOST PORT RATE SECS

RATE datagrams a second for SECS seconds (paced in 10 ms steps): random
bytes of random length (1..1400), a third of them starting with a
plausible control or data opcode byte, every tenth one from a fresh
socket (a new source port: new "clients" for the server to turn away).
Prints "sent N".
"""
import os
import random
import socket
import sys
import time

OPCODES = [7 << 3, 8 << 3, 4 << 3, 5 << 3, 6 << 3, 9 << 3, 10 << 3, 11 << 3]


def datagram():
    n = random.randint(1, 1400)
    d = bytearray(os.urandom(n))
    if random.random() < 1 / 3:
        d[0] = random.choice(OPCODES) | random.randint(0, 7)
    return bytes(d)


def main(host, port, rate, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    start = time.monotonic()
    sent = 0
    while time.monotonic() - start < secs:
        due = int((time.monotonic() - start) * rate)
        while sent < due:
            if sent % 10 == 0:
                s.close()
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.sendto(datagram(), (host, port))
            except OSError:
                pass
            sent += 1
        time.sleep(0.01)
    print("sent", sent)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))
