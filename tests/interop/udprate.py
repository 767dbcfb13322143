#!/usr/bin/env python3
"""UDP at a fixed rate through a tunnel, to count what got lost.

  udprate.py send ADDR PORT RATE SECS [SIZE]
      RATE datagrams a second for SECS seconds (paced in 10 ms steps),
      each numbered; prints "sent N skipped M" (numbers overdue by more
      than 50 ms when the sender was descheduled are skipped, not sent).
  udprate.py recv ADDR PORT SECS
      counts distinct numbered datagrams until 3 s of silence after the
      first one (or SECS + 30 s in all, or 30 s with nothing at all);
      prints "received N gaps G maxgap M": G runs of missing numbers
      below the highest seen, the longest M datagrams long.

Bounded in count and time both ways; loss = 1 - received / sent.
"""
import socket
import struct
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def send(addr, port, rate, secs, size=200):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    pad = bytes(max(0, size - 4))
    total = int(rate * secs)
    start = time.monotonic()
    seq = sent = 0
    while seq < total:
        due = min(total, int((time.monotonic() - start) * rate) + 1)
        # Descheduled for a while (a busy machine): skip what is overdue
        # beyond 50 ms instead of bursting it, which would measure the
        # tun queue, not the tunnel. Skipped numbers are not "sent".
        seq = max(seq, due - max(1, int(rate * 0.05)))
        while seq < due:
            sent += 1
            try:
                s.sendto(struct.pack("!I", seq) + pad, (addr, port))
            except OSError:
                pass  # a full queue counts as loss, as on any link
            seq += 1
        time.sleep(0.01)
        if time.monotonic() - start > secs + 10:
            break
    print("sent", sent, "skipped", seq - sent)


def gaps_of(seen):
    gaps = maxgap = 0
    last = -1
    for n in sorted(seen):
        if n > last + 1:
            gaps += 1
            maxgap = max(maxgap, n - last - 1)
        last = n
    return gaps, maxgap


def recv(addr, port, secs):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, port))
    seen = set()
    top = -1
    cap = time.monotonic() + secs + 30
    s.settimeout(30)
    while time.monotonic() < cap:
        try:
            d = s.recv(65535)
        except socket.timeout:
            break
        s.settimeout(3)
        if len(d) >= 4:
            n = struct.unpack("!I", d[:4])[0]
            if n > top + 10:
                # when and where a run went missing (stderr: for the logs)
                print(time.strftime("%H:%M:%S"), "gap before", n,
                      "of", n - top - 1, file=sys.stderr)
            top = max(top, n)
            seen.add(n)
    gaps, maxgap = gaps_of(seen)
    print("received", len(seen), "gaps", gaps, "maxgap", maxgap)


if __name__ == "__main__":
    mode, a, p = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "send":
        size = int(sys.argv[6]) if len(sys.argv) > 6 else 200
        send(a, p, float(sys.argv[4]), float(sys.argv[5]), size)
    else:
        recv(a, p, float(sys.argv[4]))
