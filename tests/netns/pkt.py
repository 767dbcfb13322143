#!/usr/bin/env python3
"""Hostile traffic for the garbage/replay test (run in the sender's namespace).

  pkt.py [--any|--v1] [--ready FILE] IFACE DST_IP DST_PORT N

--any: capture every datagram, not only P_DATA_V2 ones (static key mode
has no opcode: every datagram is a data packet). --v1: capture P_DATA_V1
ones (a peer that sends no peer-id).
--ready FILE: create FILE once the capture socket is open, so the caller
can start the traffic to capture only then.

A sender with UDP GSO (dcovpn under load: two pings read in one batch) hands
the kernel one frame holding several datagrams; the capture asks for the
virtio-net header (PACKET_VNET_HDR) and splits such frames at gso_size, so
every captured packet is one datagram as the receiver sees it.

Captures N outgoing P_DATA_V2 datagrams to DST_IP:DST_PORT on IFACE (the
real tunnel traffic), then injects on the same interface, so they come from
the real peer's address and port:
  - each captured datagram twice (replays),
  - each captured datagram with one byte past the 4-byte header flipped
    (tampered: must fail authentication, whatever the cipher's layout),
  - forged data packets: right opcode and peer-id, random packet-id, tag and
    payload (must fail authentication),
  - truncated data packets: a whole header, shorter than any valid one
    (malformed), and 1-3 byte stubs,
  - random datagrams, some from the peer's address, some from another port.
Prints shell assignments: replayed=.. tampered=.. forged=.. short=.. random=..
gso_frames=.. (captured GSO frames that were split)
Bounded: gives up after 20 s without N captured packets.
"""
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
P_DATA_V1 = 6
P_DATA_V2 = 9
SOL_PACKET = 263
PACKET_VNET_HDR = 15
VNET_HDR = struct.Struct('=BBHHHH')  # flags gso_type hdr_len gso_size csum
VIRTIO_NET_HDR_GSO_NONE = 0


def ip_checksum(hdr):
    if len(hdr) % 2:
        hdr += b'\0'
    s = sum(struct.unpack('!%dH' % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def parse(frame, dst_ip, dst_port, gso_size=0):
    """[(eth, ip header, udp header, payload)] of an IPv4 UDP frame, one per
    datagram (a GSO frame, @gso_size > 0, holds several), or []."""
    if len(frame) < 14 + 20 + 8 or frame[12:14] != b'\x08\x00':
        return []
    ip = frame[14:]
    ihl = (ip[0] & 0x0f) * 4
    total = struct.unpack('!H', ip[2:4])[0]
    if ip[9] != socket.IPPROTO_UDP or ihl < 20:
        return []
    if not gso_size and total != len(ip):
        return []
    if socket.inet_ntoa(ip[16:20]) != dst_ip:
        return []
    udp = ip[ihl:ihl + 8]
    if struct.unpack('!H', udp[2:4])[0] != dst_port:
        return []
    payload = ip[ihl + 8:]
    step = gso_size or len(payload) or 1
    return [(frame[:14], ip[:ihl], udp, payload[i:i + step])
            for i in range(0, len(payload), step)]


def build(tmpl, payload):
    """A frame like template @tmpl carrying @payload (UDP checksum 0: valid
    for IPv4, and the template's may be an offloaded partial one)."""
    eth, iph, udp, _ = tmpl
    iph = bytearray(iph)
    struct.pack_into('!H', iph, 2, len(iph) + 8 + len(payload))
    struct.pack_into('!H', iph, 4, random.getrandbits(16))
    struct.pack_into('!H', iph, 10, 0)
    struct.pack_into('!H', iph, 10, ip_checksum(bytes(iph)))
    udph = udp[:4] + struct.pack('!HH', 8 + len(payload), 0)
    return eth + bytes(iph) + udph + payload


def capture(sock, dst_ip, dst_port, n, any_kind=False, opcode=P_DATA_V2):
    """@n outgoing datagrams; @sock delivers a virtio-net header first."""
    got = []
    capture.gso_frames = 0
    deadline = time.monotonic() + 20
    while len(got) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            sys.exit('captured only %d of %d data packets' % (len(got), n))
        if not select.select([sock], [], [], left)[0]:
            continue
        data, addr = sock.recvfrom(65535 + VNET_HDR.size)
        if addr[2] != PACKET_OUTGOING or len(data) < VNET_HDR.size:
            continue
        _, gso_type, _, gso_size, _, _ = VNET_HDR.unpack_from(data)
        if gso_type == VIRTIO_NET_HDR_GSO_NONE:
            gso_size = 0
        capture.gso_frames += gso_size > 0
        for p in parse(data[VNET_HDR.size:], dst_ip, dst_port, gso_size):
            if p[3] and (any_kind or p[3][0] >> 3 == opcode):
                got.append(p)
    return got[:n]


def main():
    args = sys.argv[1:]
    any_kind = bool(args) and args[0] == '--any'
    opcode = P_DATA_V1 if args and args[0] == '--v1' else P_DATA_V2
    if any_kind or opcode == P_DATA_V1:
        args = args[1:]
    ready = None
    if args and args[0] == '--ready':
        ready, args = args[1], args[2:]
    iface, dst_ip, dst_port, n = args[0], args[1], int(args[2]), int(args[3])
    cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    cap.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    cap.bind((iface, 0))
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    if ready:
        open(ready, 'w').close()
    got = capture(cap, dst_ip, dst_port, n, any_kind, opcode)
    cap.close()
    count = {'replayed': 0, 'tampered': 0, 'forged': 0, 'short': 0, 'random': 0}
    for _ in range(2):
        for p in got:
            sock.send(build(p, p[3]))
            count['replayed'] += 1
    for p in got:
        body = bytearray(p[3])
        body[random.randrange(4, len(body))] ^= 1 << random.randrange(8)
        sock.send(build(p, bytes(body)))
        count['tampered'] += 1
    tmpl = got[0]
    hdr = tmpl[3][:4]  # opcode/key-id byte and the peer-id the peer uses
    for _ in range(50):
        body = os.urandom(4 + 16 + random.randint(1, 300))
        sock.send(build(tmpl, hdr + body))
        count['forged'] += 1
    # A whole data header but no room for packet-id and tag: malformed.
    for i in range(4, 4 + 4 + 16):
        sock.send(build(tmpl, (hdr + os.urandom(20))[:i]))
        count['short'] += 1
    # Not even a whole header: dropped, whichever counter it lands in.
    for i in range(1, 4):
        sock.send(build(tmpl, hdr[:i]))
        count['random'] += 1
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(200):
        junk = os.urandom(random.randint(1, 1400))
        if i % 2:
            sock.send(build(tmpl, junk))
        else:
            udp.sendto(junk, (dst_ip, dst_port))
        count['random'] += 1
    count['gso_frames'] = capture.gso_frames  # split into datagrams
    print(' '.join('%s=%d' % kv for kv in count.items()))


if __name__ == '__main__':
    main()
