# Independent computation of OpenVPN 2.7 epoch-format data packets with
# pyca/cryptography (HKDF-Expand + AEAD), written from the 2.7 sources'
# description: E_n+1 = Expand-Label(E_n, "datakey upd", 32), data key and
# implicit IV from Expand-Label(E_n, "data_key"/"data_iv", ...), IV =
# (epoch<<48|counter as 8 bytes || 4 zero bytes) XOR implicit IV, AAD =
# header (4) || packet-id (8), tag at the end. Output: C arrays for
# tests/unit/test_epoch.c.
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives import hashes
import struct

def expand_label(secret, label, n):
    full = b"ovpn " + label
    info = struct.pack(">H", n) + bytes([len(full)]) + full + b"\x00"
    return HKDFExpand(hashes.SHA256(), n, info).derive(secret)

e1 = bytes(range(0x00, 0x20))            # E_1 = 00 01 .. 1f
peer_id = 0x123456
key_id = 5
pt = b"dcovpn known-answer plaintext!!\n"   # 32 bytes

def pkt(cls, key_len, epoch, counter):
    e = e1
    for _ in range(epoch - 1):
        e = expand_label(e, b"datakey upd", 32)
    key = expand_label(e, b"data_key", key_len)
    impl = expand_label(e, b"data_iv", 12)
    hdr = bytes([(9 << 3) | key_id]) + peer_id.to_bytes(3, "big")
    pid = struct.pack(">Q", epoch << 48 | counter)
    iv = bytes(a ^ b for a, b in zip(pid + b"\0" * 4, impl))
    return hdr + pid + cls(key).encrypt(iv, pt, hdr + pid)

def c(name, b):
    print(f"/* {name} ({len(b)} bytes) */")
    for i in range(0, len(b), 12):
        print("\t" + " ".join(f"0x{x:02x}," for x in b[i:i+12]))

c("AES-256-GCM epoch 1 counter 1", pkt(AESGCM, 32, 1, 1))
c("AES-128-GCM epoch 3 counter 2", pkt(AESGCM, 16, 3, 2))
c("CHACHA20-POLY1305 epoch 1 counter 1", pkt(ChaCha20Poly1305, 32, 1, 1))
