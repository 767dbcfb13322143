#!/usr/bin/python3
"""A small HTTP CONNECT and SOCKS5 proxy for the proxy tests, in one
process: records what each client sent to set up its tunnel (one JSON line
per connection to LOG) and relays the bytes afterwards.

    proxy.py http|http-digest|http-ntlm|socks PORT LOG [USER:PASS]

http: with USER:PASS, a CONNECT without the right Basic credentials gets a
407 with "Proxy-Authenticate: Basic". http-digest: the same with Digest
(RFC 2617, qop auth, MD5, an opaque value); its record has the random
cnonce and the response replaced by "C" and "R", and "valid" says whether
the response was right. http-ntlm: NTLM (USER may be DOMAIN\\user): a type 1
gets a 407 with a type 2 (fixed challenge, target information) on the
same connection, the type 3 must carry a valid NTLMv2 (or NTLM v1, as
openvpn 2.6 answers after auto) response for PASS (checked here, "valid"); its record shows the type 3's fields, not its
random bytes. socks: with USER:PASS only the
username/password method (RFC 1929) is accepted; UDP ASSOCIATE (RFC 1928
7) relays datagrams of IPv4 destinations (ATYP 1, FRAG 0) while the TCP
connection lasts, and creates LOG.udp once a reply went back to the
client. Exits after 120 s.
"""
import base64
import hashlib
import hmac
import json
import re
import select
import socket
import struct
import subprocess
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


def tunnel(c, lines):
    """200 to the CONNECT in lines, then relay to its target."""
    host, port = lines[0].split()[1].rsplit(":", 1)
    up = socket.create_connection((host, int(port)), timeout=5)
    c.sendall(b"HTTP/1.0 200 Connection established\r\n\r\n")
    relay(c, up)


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
    tunnel(c, lines)


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
    tunnel(c, lines)


NTLM_CHALLENGE = bytes.fromhex("0123456789abcdef")
NTLM_TINFO = (struct.pack("<HH", 2, 6) + "DOM".encode("utf-16-le") +
              struct.pack("<HH", 0, 0))


def ntlm_type2():
    """Flags: unicode, NTLM, target information; the target information
    right after the 48-byte header."""
    return (b"NTLMSSP\0" + struct.pack("<I", 2) + struct.pack("<HHI", 0, 0, 48) +
            struct.pack("<I", 0x00800201) + NTLM_CHALLENGE + bytes(8) +
            struct.pack("<HHI", len(NTLM_TINFO), len(NTLM_TINFO), 48) + NTLM_TINFO)


def nt_hash(password):
    """MD4 of the UTF-16LE password (OpenSSL's legacy provider)."""
    return subprocess.run(["openssl", "dgst", "-md4", "-provider", "legacy",
                           "-provider", "default", "-binary"],
                          input=password.encode("utf-16-le"), capture_output=True,
                          check=True).stdout


def des_ecb(key7, block):
    """DES (OpenSSL's legacy provider) of one block under a 56-bit key
    spread over 8 bytes, as NTLM v1 does."""
    bits = int.from_bytes(key7, "big")
    key = bytes(((bits >> (49 - 7 * i)) & 0x7f) << 1 for i in range(8))
    return subprocess.run(["openssl", "enc", "-des-ecb", "-nopad", "-K", key.hex(),
                           "-provider", "legacy", "-provider", "default"],
                          input=block, capture_output=True, check=True).stdout


def ntlm_v1_ok(nt, pw):
    """NTLM v1's 24-byte response (DES of the challenge under the padded NT
    hash), as openvpn 2.6 answers after auto learnt NTLM."""
    h = nt_hash(pw) + bytes(5)
    return len(nt) == 24 and nt == b"".join(des_ecb(h[i:i + 7], NTLM_CHALLENGE)
                                            for i in (0, 7, 14))


def ntlm_type3(msg, cred):
    """The type 3's fields as a string, and whether its NTLMv2 (or, 24
    bytes long, NTLM v1) response is right for cred (user with optional
    DOMAIN\\ prefix, password)."""
    def field(at):
        ln, _, off = struct.unpack_from("<HHI", msg, at)
        return msg[off:off + ln], off
    nt, _ = field(0x14)
    lm, lm_off = field(0x0c)
    dom, _ = field(0x1c)
    user, _ = field(0x24)
    host, _ = field(0x2c)
    flags = struct.unpack_from("<I", msg, 0x3c)[0]
    userdom, pw = cred.split(":", 1)
    want_dom, _, want_user = userdom.rpartition("\\")
    key2 = hmac.new(nt_hash(pw), (want_user.upper() + want_dom).encode("utf-16-le"),
                    "md5").digest()
    blob = nt[16:]
    v2 = (len(nt) > 24 and hmac.new(key2, NTLM_CHALLENGE + blob, "md5").digest() == nt[:16]
          and blob[:8] == b"\1\1" + bytes(6)
          and blob[0x1c:0x1c + len(NTLM_TINFO)] == NTLM_TINFO)
    ok = (msg[:12] == b"NTLMSSP\0\3\0\0\0" and (v2 or ntlm_v1_ok(nt, pw)) and
          user.decode("latin-1") == want_user and dom.decode("latin-1") == want_dom)
    desc = ("NTLM type3 user=%s domain=%s flags=%08x nt=%d lm=%d@%d host=%d" %
            (user.decode("latin-1"), dom.decode("latin-1"), flags, len(nt), len(lm),
             lm_off, len(host)))
    return desc, ok


def http_ntlm_client(c, log, cred):
    """Type 1 -> 407 with type 2, type 3 -> 200 if right, on one connection."""
    while True:
        lines = read_head(c)
        if not lines:
            return
        auth = [i for i, l in enumerate(lines)
                if l.lower().startswith("proxy-authorization: ntlm ")]
        msg = base64.b64decode(lines[auth[0]].split(None, 2)[2]) if auth else b""
        ok = False
        if msg[8:9] == b"\3":
            lines[auth[0]], ok = ntlm_type3(msg, cred)
        record(log, {"kind": "http-ntlm", "lines": lines, "valid": ok})
        if msg[8:9] == b"\1":
            body = b"NTLM needed\n"
            c.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                      b"Proxy-Authenticate: NTLM " + base64.b64encode(ntlm_type2()) +
                      b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            continue
        if not ok:
            c.sendall(b"HTTP/1.0 407 Proxy Authentication Required\r\n"
                      b"Proxy-Authenticate: NTLM\r\n\r\n")
            return
        tunnel(c, lines)
        return


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
         "http-ntlm": http_ntlm_client, "socks": socks_client}[kind](c, log, cred)
    except (OSError, EOFError, ValueError, IndexError, struct.error):
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
