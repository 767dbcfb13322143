#!/usr/bin/env python3
"""Hold IDLE silent TCP connections and SLOW ones that send one byte a
second to HOST:PORT, from the source addresses SRC,... in turn (name one
several times to give it a larger share). A connection
the server closes is opened again (at most RATE connects a second in all),
so the pressure stays on for the whole run. Bounded: stops by itself after
SECS seconds or MAX connects, whichever comes first.

The slow connections announce a 200-byte frame and dribble it: never a
complete first packet within a few seconds.

Prints "up" once IDLE + SLOW connections have been opened, then at the end
one line: connects, closes seen, most connections open at once.

  tcp_flood.py HOST PORT IDLE SLOW SECS SRC[,SRC...] [RATE] [MAX]
"""
import errno
import selectors
import signal
import socket
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])
n_idle, n_slow, secs = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
sources = sys.argv[6].split(",")
rate = int(sys.argv[7]) if len(sys.argv) > 7 else 500
max_connects = int(sys.argv[8]) if len(sys.argv) > 8 else 100000
SLOW_FRAME = b"\x00\xc8" + b"\x38" * 200

sel = selectors.DefaultSelector()
start = time.monotonic()
deadline = start + secs
connects = closes = peak = 0
src_i = 0
conns = {}       # socket -> [slow, bytes sent]
to_open = [False] * n_idle + [True] * n_slow
announced = False


def open_one(slow):
    global connects, src_i
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.bind((sources[src_i % len(sources)], 0))
        src_i += 1
        err = s.connect_ex((host, port))
    except OSError:
        s.close()
        return False
    if err not in (0, errno.EINPROGRESS):
        s.close()
        return False
    connects += 1
    conns[s] = [slow, 0]
    sel.register(s, selectors.EVENT_READ)
    return True


def close_one(s):
    global closes
    closes += 1
    sel.unregister(s)
    slow = conns.pop(s)[0]
    s.close()
    to_open.append(slow)


def dribble():
    """One more byte on every slow connection."""
    for s, st in list(conns.items()):
        if not st[0] or st[1] >= len(SLOW_FRAME):
            continue
        try:
            if s.send(SLOW_FRAME[st[1]:st[1] + 1]) == 1:
                st[1] += 1
        except OSError:
            pass     # not connected yet, or reset: the read side sees it


def stop(_sig, _frame):
    global deadline
    deadline = 0


signal.signal(signal.SIGTERM, stop)
budget_t = time.monotonic()
budget = 0.0
next_byte = time.monotonic() + 1.0
while time.monotonic() < deadline and connects < max_connects:
    now = time.monotonic()
    budget = min(budget + (now - budget_t) * rate, rate / 10)
    budget_t = now
    while to_open and budget >= 1 and connects < max_connects:
        if open_one(to_open[0]):
            to_open.pop(0)
        budget -= 1
    peak = max(peak, len(conns))
    if not announced and connects >= n_idle + n_slow:
        announced = True
        print("up", flush=True)
    if now >= next_byte:
        dribble()
        next_byte = now + 1.0
    for key, _ in sel.select(timeout=0.05):
        s = key.fileobj
        try:
            data = s.recv(4096)
        except BlockingIOError:
            continue
        except OSError:
            data = b""
        if not data:
            close_one(s)
for s in list(conns):
    s.close()
print(f"connects {connects} closes {closes} peak {peak}", flush=True)
