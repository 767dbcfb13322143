#!/usr/bin/env python3
"""A management-external-key manager: signs with a key file it holds.

  mgmt_extkey.py SOCKET KEYFILE TRANSCRIPT [CERTFILE]

Connects to the client's unix management socket, announces version 3,
releases the hold, and answers every >PK_SIGN:DATA,ALG with pk-sig: the
signature of DATA made by "openssl pkeyutl" (ECDSA: DATA is the digest;
RSA_PKCS1_PADDING: DATA is the DigestInfo) or, for RSA_NO_PADDING (a
padded block), "openssl rsautl -raw". With CERTFILE, >NEED-CERTIFICATE is answered with its PEM lines (the
certificate command). Stops at >STATE:...,CONNECTED
(60 s at most). Lines received are written to TRANSCRIPT as "< line",
those sent as "> line".
"""
import base64
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgmt_client import LineReader, connect  # noqa: E402


def sign(keyfile, data, alg):
    cmd = ["openssl", "pkeyutl", "-sign", "-inkey", keyfile]
    if alg.startswith("RSA_PKCS1_PADDING"):
        cmd += ["-pkeyopt", "rsa_padding_mode:pkcs1"]
    elif alg.startswith("RSA_NO_PADDING"):
        # a whole block: pkeyutl takes digests only
        cmd = ["openssl", "rsautl", "-sign", "-raw", "-inkey", keyfile]
    return subprocess.run(cmd, input=data, capture_output=True, check=True).stdout


def main():
    path, keyfile, tpath = sys.argv[1:4]
    certfile = sys.argv[4] if len(sys.argv) > 4 else None
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
            elif line.startswith((">PK_SIGN:", ">RSA_SIGN:")):
                b64, _, alg = line.split(":", 1)[1].partition(",")
                sig = base64.b64encode(sign(keyfile, base64.b64decode(b64), alg)).decode()
                send("pk-sig")
                for i in range(0, len(sig), 64):
                    send(sig[i:i + 64])
                send("END")
            elif ",CONNECTED," in line and line.startswith(">STATE:"):
                return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
