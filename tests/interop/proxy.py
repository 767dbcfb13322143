#!/usr/bin/python3
"""A small HTTP CONNECT and SOCKS5 proxy for the proxy tests, in one
process: records what each client sent to set up its tunnel (one JSON line
per connection to LOG) and relays the bytes afterwards.

    proxy.py http|http-digest|socks PORT LOG [USER:PASS]

http: with USER:PASS, a CONNECT without the right Basic credentials gets a
407 with "Proxy-Authenticate: Basic". http-digest: the same with Digest
(RFC 2617, qop auth, MD5, an opaque value); its record has the random
cnonce and the response replaced by "C" and "R", and "valid" says whether
the response was right. socks: with USER:PASS only the
username/password method (RFC 1929) is accepted; UDP ASSOCIATE (RFC 1928
7) relays datagrams of IPv4 destinations (ATYP 1, FRAG 0) while the TCP
connection lasts, and creates LOG.udp once a reply went back to the
client. Exits after 120 s.
"""
import base64
import hashlib
import json
import re
import select
import socket
import struct
import sys
import threading
import time


def relay(a, b):
    """Copy both ways until either side closes."""
    socks = [a, b]
    while True:
        r, _, _ = select.select(socks, [], [], 60)
        if not r:
            return
        for s in r:
            data = s.recv(65536)
            if not data:
                return
            (b if s is a else a).sendall(data)


def read_head(c):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 8192:
        chunk = c.recv(1)
        if not chunk:
            break
        data += chunk
    return data.decode("latin-1").split("\r\n")[:-2]


def record(log, entry):
    with open(log, "a") as f:
        f.write(json.dumps(entry) + "\n")


DIGEST_CHALLENGE = ('Digest realm="test", nonce="5f3a9c", qop="auth", '
                    'algorithm=MD5, opaque="op42"')


def md5(*parts):
    return hashlib.md5(":".join(parts).encode()).hexdigest()


def digest_ok(lines, cred):
    """Whether the CONNECT's Digest answer is right; lines normalized."""
    ok = False
    for i, l in enumerate(lines):
        if not l.lower().startswith("proxy-authorization: digest "):
            continue
        f = dict(re.findall(r'(\w+)=(?:"([^"]*)"|[^,]*)', l[28:]))
        f.update({k: v for k, v in re.findall(r'(\w+)=([^",][^,]*)', l[28:])})
        user, pw = cred.split(":", 1)
        ha1 = md5(user, f.get("realm", ""), pw)
        ha2 = md5("CONNECT", f.get("uri", ""))
        want = md5(ha1, f.get("nonce", ""), f.get("nc", ""), f.get("cnonce", ""),
                   f.get("qop", ""), ha2)
        ok = f.get("response") == want and f.get("nonce") == "5f3a9c"
        lines[i] = re.sub(r'(cnonce|response)="[^"]*"',
                          lambda m: m.group(1) + '="' + m.group(1)[0].upper() + '"', l)
    return ok


def http_digest_client(c, log, cred):
    lines = read_head(c)
    ok = digest_ok(lines, cred)
    record(log, {"kind": "http-digest", "lines": lines, "valid": ok})
    if not ok:
        c.sendall(b"HTTP/1.0 407 Proxy Authentication Required\r\n"
                  b"Proxy-Authenticate: " + DIGEST_CHALLENGE.encode() + b"\r\n\r\n")
        return
    host, port = lines[0].split()[1].rsplit(":", 1)
    up = socket.create_connection((host, int(port)), timeout=5)
    c.sendall(b"HTTP/1.0 200 Connection established\r\n\r\n")
    relay(c, up)


def http_client(c, log, cred):
    lines = read_head(c)
    record(log, {"kind": "http", "lines": lines})
    want = "Basic " + base64.b64encode(cred.encode()).decode() if cred else None
    got = [l.split(":", 1)[1].strip() for l in lines
           if l.lower().startswith("proxy-authorization:")]
    if want and got != [want]:
        c.sendall(b"HTTP/1.0 407 Proxy Authentication Required\r\n"
                  b"Proxy-Authenticate: Basic realm=\"test\"\r\n\r\n")
        return
    host, port = lines[0].split()[1].rsplit(":", 1)
    up = socket.create_connection((host, int(port)), timeout=5)
    c.sendall(b"HTTP/1.0 200 Connection established\r\n\r\n")
    relay(c, up)


def recv_n(c, n):
    data = b""
    while len(data) < n:
        chunk = c.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def socks_client(c, log, cred):
    head = recv_n(c, 2)
    methods = recv_n(c, head[1])
    sent = head + methods
    method = 2 if cred else 0
    if method not in methods:
        c.sendall(b"\x05\xff")
        record(log, {"kind": "socks", "bytes": sent.hex()})
        return
    c.sendall(bytes([5, method]))
    if method == 2:
        ver, ul = recv_n(c, 2)
        user = recv_n(c, ul)
        pl = recv_n(c, 1)[0]
        pw = recv_n(c, pl)
        sent += bytes([ver, ul]) + user + bytes([pl]) + pw
        ok = (user + b":" + pw).decode() == cred
        c.sendall(b"\x01\x00" if ok else b"\x01\x01")
        if not ok:
            record(log, {"kind": "socks", "bytes": sent.hex()})
            return
    req = recv_n(c, 4)
    if req[3] == 1:
        dst = recv_n(c, 4)
    else:
        dst = recv_n(c, 1)
        dst += recv_n(c, dst[0])
    port = struct.unpack("!H", recv_n(c, 2))[0]
    sent += req + dst + struct.pack("!H", port)
    record(log, {"kind": "socks", "bytes": sent.hex()})
    if req[1] == 3:
        udp_associate(c, log)
        return
    up = socket.create_connection((dst[1:].decode(), port), timeout=5)
    c.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("0.0.0.0") + b"\x00\x00")
    relay(c, up)


def udp_associate(c, log):
    """The relay: datagrams from 127.0.0.1 are the client's (header
    stripped, sent on); others are replies (header of their source)."""
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", 0))
    c.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") +
              struct.pack("!H", u.getsockname()[1]))
    client = None
    while True:
        r, _, _ = select.select([c, u], [], [], 60)
        if not r or (c in r and not c.recv(64)):
            return
        if u not in r:
            continue
        data, addr = u.recvfrom(65535)
        if addr[0] == "127.0.0.1":
            if len(data) > 10 and data[2] == 0 and data[3] == 1:
                client = addr
                dst = (socket.inet_ntoa(data[4:8]),
                       struct.unpack("!H", data[8:10])[0])
                u.sendto(data[10:], dst)
        elif client:
            u.sendto(b"\x00\x00\x00\x01" + socket.inet_aton(addr[0]) +
                     struct.pack("!H", addr[1]) + data, client)
            open(log + ".udp", "a").close()


def serve(c, kind, log, cred):
    try:
        {"http": http_client, "http-digest": http_digest_client,
         "socks": socks_client}[kind](c, log, cred)
    except (OSError, EOFError, ValueError, IndexError):
        pass
    finally:
        c.close()


def main():
    kind, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cred = sys.argv[4] if len(sys.argv) > 4 else None
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    s.settimeout(1)
    end = time.time() + 120
    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(c, kind, log, cred),
                         daemon=True).start()


if __name__ == "__main__":
    main()
