#!/usr/bin/env python3
"""Turn openvpn 2.6 logs into key-derivation vectors (README-kdf.md).

  kdf-vectors.py prf CLIENT_LOG > kdf-prf.txt
  kdf-vectors.py ekm CLIENT_LOG SERVER_LOG > kdf-ekm.txt
  kdf-vectors.py emit-c kdf-ekm.txt kdf-prf.txt > kdf-vectors.inc
  kdf-vectors.py check kdf-prf.txt         (recompute the PRF, compare)

The PRF is recomputed here independently of OpenSSL (Python's hmac module:
P_MD5 xor P_SHA1, RFC 2246 section 5) and must reproduce every key byte
openvpn logged; only then are the vectors written. The full 256-byte block is
the recomputed one: openvpn logs only the used part of each 64-byte half.
"""
import hashlib
import hmac
import re
import sys


def hexbytes(s):
    return bytes.fromhex(s.replace(" ", ""))


def last(log, pattern):
    """Group 1 of the last line matching pattern (the last key state)."""
    found = None
    for line in log:
        m = re.search(pattern, line)
        if m:
            found = m.group(1).strip()
    if found is None:
        sys.exit("pattern not found in log: " + pattern)
    return found


def p_hash(md, secret, seed, n):
    out, a = b"", seed
    while len(out) < n:
        a = hmac.new(secret, a, md).digest()
        out += hmac.new(secret, a + seed, md).digest()
    return out[:n]


def tls1_prf(secret, seed, n):
    half = (len(secret) + 1) // 2
    s1, s2 = secret[:half], secret[len(secret) - half:]
    a = p_hash(hashlib.md5, s1, seed, n)
    b = p_hash(hashlib.sha1, s2, seed, n)
    return bytes(x ^ y for x, y in zip(a, b))


def openvpn_prf(v):
    seed = (b"OpenVPN master secret" + v["client_random1"]
            + v["server_random1"])
    master = tls1_prf(v["client_pre_master"], seed, 48)
    seed = (b"OpenVPN key expansion" + v["client_random2"]
            + v["server_random2"] + v["client_sid"] + v["server_sid"])
    return master, tls1_prf(master, seed, 256)


def read_log(path):
    with open(path, errors="replace") as f:
        return f.read().splitlines()


KEYS = r"\((cipher|hmac), ([^,]+), (\d+) bits\): ([0-9a-f ]*)"


def logged_keys(log, v):
    """Master Encrypt/Decrypt = keys[0]/keys[1]; Outgoing/Incoming per dir."""
    v["cipher"] = last(log, r"Master Encrypt \(cipher, ([^,]+),")
    v["auth"] = last(log, r"Master Encrypt \(hmac, ([^,]+),")
    for idx, name in ((0, "Encrypt"), (1, "Decrypt")):
        v["keys%d_cipher" % idx] = hexbytes(
            last(log, r"Master %s \(cipher, [^)]*\): ([0-9a-f ]*)$" % name))
        v["keys%d_hmac" % idx] = hexbytes(
            last(log, r"Master %s \(hmac, [^)]*\): ([0-9a-f ]*)$" % name))
    for d in ("Outgoing", "Incoming"):
        key = "out" if d == "Outgoing" else "in"
        v[key + "_cipher"] = hexbytes(
            last(log, r"%s Data Channel: CIPHER KEY: ([0-9a-f ]*)$" % d))


def cmd_prf(client_log):
    log = read_log(client_log)
    v = {}
    for side in ("Client", "Server"):
        for f in ("pre_master", "random1", "random2"):
            v["%s_%s" % (side.lower(), f)] = hexbytes(
                last(log, r"%s %s: ([0-9a-f ]+)$" % (side, f)))
    del v["server_pre_master"]  # the server sends none (all zero)
    v["client_sid"] = hexbytes(last(
        log, r"WRITE .*P_CONTROL_HARD_RESET_CLIENT_V2 kid=0 sid=([0-9a-f ]{17})"))
    v["server_sid"] = hexbytes(last(
        log, r"READ .*P_CONTROL_HARD_RESET_SERVER_V2 kid=0 sid=([0-9a-f ]{17})"))
    logged_keys(log, v)
    master, block = openvpn_prf(v)
    check_block(v, block)
    v["master"] = master
    v["key_block"] = block
    emit_txt(v, "PRF case: openvpn 2.6.14 client derived with OpenVPN's PRF")


def check_block(v, block):
    """The recomputed block must hold every key byte openvpn logged."""
    for idx in (0, 1):
        c, h = v["keys%d_cipher" % idx], v["keys%d_hmac" % idx]
        base = idx * 128
        if block[base:base + len(c)] != c or \
           block[base + 64:base + 64 + len(h)] != h:
            sys.exit("independent PRF does not reproduce keys[%d]" % idx)
    if v["out_cipher"] != v["keys0_cipher"] or \
       v["in_cipher"] != v["keys1_cipher"]:
        sys.exit("client does not send with keys[0]")


def cmd_ekm(client_log, server_log):
    v = {}
    clog, slog = read_log(client_log), read_log(server_log)
    logged_keys(clog, v)
    s = {}
    logged_keys(slog, s)
    if s["keys0_cipher"] != v["keys0_cipher"] or \
       s["keys1_cipher"] != v["keys1_cipher"]:
        sys.exit("client and server derived different EKM blocks")
    if s["out_cipher"] != v["in_cipher"] or s["in_cipher"] != v["out_cipher"]:
        sys.exit("server directions are not the client's mirrored")
    v["server_out_cipher"] = s["out_cipher"]
    v["server_in_cipher"] = s["in_cipher"]
    v["control_channel"] = last(clog, r"(Control Channel: TLS.*)$")
    v["protocol_flags"] = last(clog, r"Protocol options: (protocol-flags .*)$")
    emit_txt(v, "EKM case: openvpn 2.6.14 client and server, TLS-EKM")


def emit_txt(v, title):
    print("# " + title)
    print("# made by tests/vectors/make-kdf-vectors.sh; see README-kdf.md")
    for k, val in v.items():
        if isinstance(val, bytes):
            if not val:
                continue  # e.g. the AEAD "hmac" key openvpn logs empty
            val = val.hex()
        print("%s = %s" % (k, val))


def read_txt(path):
    v = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            k, _, val = line.partition(" = ")
            v[k] = val
    return v


def c_array(name, hexstr):
    b = bytes.fromhex(hexstr)
    rows = [", ".join("0x%02x" % x for x in b[i:i + 12])
            for i in range(0, len(b), 12)]
    body = ",\n\t".join(rows)
    return "static const uint8_t %s[%d] = {\n\t%s\n};\n" % (name, len(b), body)


def cmd_emit_c(ekm_txt, prf_txt):
    print("/* Generated by tests/vectors/kdf-vectors.py from %s and %s;"
          % (ekm_txt.split("/")[-1], prf_txt.split("/")[-1]))
    print(" * see README-kdf.md. Do not edit. */")
    for prefix, path in (("ekm", ekm_txt), ("prf", prf_txt)):
        for k, val in read_txt(path).items():
            if re.fullmatch(r"[0-9a-f]+", val) and len(val) % 2 == 0:
                print(c_array("kdf_%s_%s" % (prefix, k), val))
            else:
                print('static const char kdf_%s_%s[] = "%s";\n'
                      % (prefix, k, val.replace('"', '\\"')))


def cmd_check(prf_txt):
    t = read_txt(prf_txt)
    v = {k: bytes.fromhex(x) for k, x in t.items()
         if re.fullmatch(r"([0-9a-f]{2})+", x)}
    master, block = openvpn_prf(v)
    check_block(v, block)
    assert master == v["master"] and block == v["key_block"]
    print("ok")


def main(argv):
    cmds = {"prf": cmd_prf, "ekm": cmd_ekm, "emit-c": cmd_emit_c,
            "check": cmd_check}
    if len(argv) < 2 or argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
