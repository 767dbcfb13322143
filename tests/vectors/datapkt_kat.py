# Independent computation of full P_DATA_V2 / V1 packets with pyca/cryptography.
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
import struct
key = bytes(range(0x00, 0x20))            # 00 01 .. 1f
nonce_tail = bytes.fromhex("a0a1a2a3a4a5a6a7")
peer_id = 0x123456
key_id = 5
pktid = 0x01020304
pt = b"dcovpn known-answer plaintext!!\n"   # 32 bytes
def pkt(cls, k, v1=False):
    hdr = bytes([(6 << 3) | key_id]) if v1 else bytes([(9 << 3) | key_id]) + peer_id.to_bytes(3, "big")
    pid = struct.pack(">I", pktid)
    aad = pid if v1 else hdr + pid
    ct_tag = cls(k).encrypt(pid + nonce_tail, pt, aad)
    ct, tag = ct_tag[:-16], ct_tag[-16:]
    return hdr + pid + tag + ct
def c(name, b):
    print(f"/* {name} ({len(b)} bytes) */")
    for i in range(0, len(b), 12):
        print("\t" + " ".join(f"0x{x:02x}," for x in b[i:i+12]))
c("AES-256-GCM V2", pkt(AESGCM, key))
c("CHACHA20-POLY1305 V2", pkt(ChaCha20Poly1305, key))
c("AES-128-GCM V2", pkt(AESGCM, key[:16]))
c("AES-256-GCM V1", pkt(AESGCM, key, v1=True))
