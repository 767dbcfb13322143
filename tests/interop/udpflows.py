#!/usr/bin/env python3
"""Several UDP flows at once, interleaved datagram by datagram.

  udpflows.py send ADDR PORT FLOWS COUNT SIZE SECS

FLOWS sockets, each its own source port, send to ports PORT..PORT+FLOWS-1
of ADDR in turn, COUNT datagrams of SIZE bytes in all or until SECS
seconds have passed. Nobody needs to listen: the flows only have to leave
through the tunnel. Distinct flows are spread over a multi-queue tun's
queues by their hash, so several engine threads read one peer's packets
at the same time. Prints the number sent.
"""
import errno
import socket
import sys
import time


def main():
    if len(sys.argv) != 8 or sys.argv[1] != "send":
        sys.exit(__doc__)
    addr, port = sys.argv[2], int(sys.argv[3])
    flows, count, size = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    cap = time.monotonic() + float(sys.argv[7])
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    socks = []
    for _ in range(flows):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setblocking(False)
        socks.append(s)
    body = bytes(size)
    sent = 0
    while sent < count and time.monotonic() < cap:
        for i, s in enumerate(socks):
            try:
                s.sendto(body, (addr, port + i))
                sent += 1
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.ENOBUFS,
                                   errno.ECONNREFUSED):
                    raise
                time.sleep(0.0005)
    print(sent)


if __name__ == "__main__":
    main()
