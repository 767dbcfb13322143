#!/usr/bin/env python3
"""Count the tunnel's outer packets by TOS / traffic class (--passtos test).

  tos_capture.py IFACE PORT READY_FILE

Captures every IPv4/IPv6 packet on IFACE (AF_PACKET, both directions) with
UDP or TCP port PORT on either end: UDP datagrams whose opcode is a data
packet (P_DATA_V1/V2), TCP segments with a payload (a stream has no packet
boundaries to find the opcode at). Creates READY_FILE once the socket is
open; on SIGTERM (or after 60 s) prints one line per direction and TOS,

  to <tos> <count>      (packets to PORT: sent by the client)
  from <tos> <count>    (packets from PORT: sent by the server)

with <tos> in hex (0x00, 0xb8).
"""
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
P_DATA_V1, P_DATA_V2 = 6, 9


def parse(pkt):
    """(tos, proto, l4 offset) of an IPv4/IPv6 packet, or None."""
    if len(pkt) < 20:
        return None
    ver = pkt[0] >> 4
    if ver == 4:
        return pkt[1], pkt[9], (pkt[0] & 0x0F) * 4
    if ver == 6 and len(pkt) >= 40:
        return ((pkt[0] & 0x0F) << 4) | (pkt[1] >> 4), pkt[6], 40
    return None


def classify(pkt, port):
    """("to"|"from", tos) for a tunnel data packet, else None."""
    hdr = parse(pkt)
    if not hdr:
        return None
    tos, proto, off = hdr
    if proto not in (6, 17) or len(pkt) < off + 8:
        return None
    sport, dport = struct.unpack("!HH", pkt[off:off + 4])
    if port not in (sport, dport):
        return None
    way = "to" if dport == port else "from"
    if proto == 17:
        if len(pkt) <= off + 8 or (pkt[off + 8] >> 3) not in (P_DATA_V1, P_DATA_V2):
            return None
    else:
        if len(pkt) < off + 20 or len(pkt) <= off + (pkt[off + 12] >> 4) * 4:
            return None
    return way, tos


def main():
    iface, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.settimeout(0.2)
    counts = {}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    open(ready, "w").close()
    deadline = time.monotonic() + 60
    while not stop and time.monotonic() < deadline:
        try:
            pkt = s.recv(65535)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        key = classify(pkt, port)
        if key:
            counts[key] = counts.get(key, 0) + 1
    for (way, tos), n in sorted(counts.items()):
        print(f"{way} 0x{tos:02x} {n}")


if __name__ == "__main__":
    main()
