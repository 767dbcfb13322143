#!/usr/bin/env python3
"""Seeds for fuzz/fuzz_datapkt_rx: genuine data packets under the target's
fixed key (32 x 0x5a, nonce tail 8 x 0xa5, key-id 0), computed with
pyca/cryptography. Usage: fuzz_seeds.py OUTDIR"""
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

KEY = b"\x5a" * 32
TAIL = b"\xa5" * 8
CIPHERS = [  # index = the target's cipher selector byte
    ("none", None, 0),
    ("aes128", AESGCM, 16),
    ("aes192", AESGCM, 24),
    ("aes256", AESGCM, 32),
    ("chacha", ChaCha20Poly1305, 32),
]


def packet(cls, klen, v1, pid, pt):
    hdr = bytes([6 << 3]) if v1 else bytes([9 << 3]) + (0x010203).to_bytes(3, "big")
    pid_b = struct.pack(">I", pid)
    if cls is None:
        return hdr + pid_b + pt
    ct = cls(KEY[:klen]).encrypt(pid_b + TAIL, pt, pid_b if v1 else hdr + pid_b)
    return hdr + pid_b + ct[-16:] + ct[:-16]


def main(out):
    os.makedirs(out, exist_ok=True)
    pt = bytes.fromhex("4500001c000000004001f98dc612000ac6120001") + b"\x08\x00\xf7\xff\x00\x00\x00\x00"
    for sel, (name, cls, klen) in enumerate(CIPHERS):
        for v1 in (False, True):
            p = packet(cls, klen, v1, 7, pt)
            tag = "v1" if v1 else "v2"
            with open(os.path.join(out, f"raw-{name}-{tag}"), "wb") as f:
                f.write(bytes([sel]) + p)
            # sealed mode: cipher bits, V1 bit, position 0x0005, mask 0 / 1
            for mask in (0, 1):
                with open(os.path.join(out, f"sealed-{name}-{tag}-{mask}"), "wb") as f:
                    f.write(bytes([0x80 | sel | (8 if v1 else 0), 0, 5, mask]) + pt)


if __name__ == "__main__":
    main(sys.argv[1])
