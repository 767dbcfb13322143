#!/usr/bin/env python3
"""A management-external-key manager that signs with python3-cryptography.

  mgmt_extkey.py SOCKET KEYFILE TRANSCRIPT FLAGS [CERTFILE]

FLAGS is the option's flag list as the client was given it (comma
separated, "" for none: pkcs1 then, as OpenVPN). Connects to the client's
unix management socket, announces version 3, releases the hold and answers
each >PK_SIGN:DATA,ALG[,hashalg=H][,saltlen=S][,data=message] as OpenVPN
2.6's management-notes describe it:
  ECDSA                   DER signature of the digest (or of the message)
  RSA_PKCS1_PADDING       PKCS#1 v1.5 over the DigestInfo given (or over
                          the message with hashalg)
  RSA_PKCS1_PSS_PADDING   PSS with hashalg and saltlen
  RSA_NO_PADDING          the raw RSA operation on the block given
  ED25519, ED448          EdDSA over the message (always data=message)
With CERTFILE, >NEED-CERTIFICATE is answered with its PEM lines (the
certificate command). An algorithm the flags did not announce is refused: the line
"! refused ALG" goes to TRANSCRIPT and the exit status is 2. Exit 0 at
>STATE:...,CONNECTED (60 s at most). Lines received are written as "< ",
those sent as "> ".
"""
import base64
import os
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa, utils

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgmt_client import LineReader, connect  # noqa: E402

HASHES = {"SHA1": hashes.SHA1, "SHA224": hashes.SHA224, "SHA256": hashes.SHA256,
          "SHA384": hashes.SHA384, "SHA512": hashes.SHA512}
BY_LEN = {20: hashes.SHA1, 28: hashes.SHA224, 32: hashes.SHA256,
          48: hashes.SHA384, 64: hashes.SHA512}
NEEDS = {"RSA_PKCS1_PADDING": "pkcs1", "RSA_PKCS1_PSS_PADDING": "pss",
         "RSA_NO_PADDING": "nopadding"}


def raw_rsa(key, block):
    n = key.public_key().public_numbers().n
    d = key.private_numbers().d
    size = (n.bit_length() + 7) // 8
    return pow(int.from_bytes(block, "big"), d, n).to_bytes(size, "big")


def pkcs1_block(key, digestinfo):
    size = (key.public_key().public_numbers().n.bit_length() + 7) // 8
    return b"\x00\x01" + b"\xff" * (size - 3 - len(digestinfo)) + b"\x00" + digestinfo


def allowed(kind, opts, flags):
    if kind in ("ED25519", "ED448"):
        return opts.get("data") == "message"
    pads = flags & {"pkcs1", "pss", "nopadding"} or {"pkcs1"}
    if opts.get("data") == "message" and "digest" not in flags:
        return False
    return kind == "ECDSA" or NEEDS.get(kind) in pads


def sign(key, data, alg, flags):
    kind, *rest = alg.split(",")
    opts = dict(o.split("=", 1) for o in rest)
    if not allowed(kind, opts, flags):
        return None
    msg = opts.get("data") == "message"
    h = HASHES[opts["hashalg"]]() if "hashalg" in opts else None
    if kind in ("ED25519", "ED448"):
        return key.sign(data)
    if kind == "ECDSA":
        return key.sign(data, ec.ECDSA(h if msg else utils.Prehashed(BY_LEN[len(data)]())))
    if kind == "RSA_PKCS1_PSS_PADDING":
        how = h if msg else utils.Prehashed(h)
        salt = {"digest": padding.PSS.DIGEST_LENGTH, "max": padding.PSS.MAX_LENGTH,
                "auto": padding.PSS.MAX_LENGTH}[opts.get("saltlen", "digest")]
        return key.sign(data, padding.PSS(padding.MGF1(h), salt), how)
    if kind == "RSA_PKCS1_PADDING" and msg:
        return key.sign(data, padding.PKCS1v15(), h)
    if kind == "RSA_PKCS1_PADDING":
        return raw_rsa(key, pkcs1_block(key, data))
    return raw_rsa(key, data)


def main():
    path, keyfile, tpath, flagarg = sys.argv[1:5]
    certfile = sys.argv[5] if len(sys.argv) > 5 else None
    flags = {f for f in flagarg.split(",") if f}
    key = serialization.load_pem_private_key(open(keyfile, "rb").read(), None)
    assert isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey,
                           ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey))
    out = open(tpath, "w", buffering=1)
    end = time.monotonic() + 60
    s = connect(path)
    s.settimeout(0.2)

    def send(line):
        out.write("> " + line + "\n")
        s.sendall(line.encode() + b"\n")

    rd = LineReader(s)
    while time.monotonic() < end:
        lines = rd.next()
        if lines is None:
            return 1
        for line in lines:
            out.write("< " + line + "\n")
            if line.startswith(">HOLD:"):
                send("version 3")
                send("state on")
                send("hold release")
            elif line.startswith(">NEED-CERTIFICATE:") and certfile:
                send("certificate")
                for pem in open(certfile).read().splitlines():
                    if pem.strip():
                        send(pem)
                send("END")
            elif line.startswith(">PK_SIGN:"):
                b64, _, alg = line.split(":", 1)[1].partition(",")
                sig = sign(key, base64.b64decode(b64), alg, flags)
                if sig is None:
                    out.write("! refused " + alg + "\n")
                    return 2
                sig = base64.b64encode(sig).decode()
                send("pk-sig")
                for i in range(0, len(sig), 64):
                    send(sig[i:i + 64])
                send("END")
            elif ",CONNECTED," in line and line.startswith(">STATE:"):
                return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
