# Independent computation of OpenVPN's non-AEAD (CBC + HMAC) data packets
# with pyca/cryptography, for tests/unit/test_keyslot_cbc.c. Format
# (crypto.c openvpn_encrypt_v1, TLS mode): header || HMAC(IV || ct) || IV ||
# ct, ct = AES-CBC(packet-id (4) || plaintext, PKCS#7).
from cryptography.hazmat.primitives import hashes, hmac, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
import struct
key = bytes(range(0x00, 0x20))            # 00 01 .. 1f
hkey = bytes(range(0x40, 0x80))           # 40 41 .. 7f
iv = bytes(range(0xb0, 0xc0))             # b0 .. bf
peer_id = 0x123456
key_id = 5
pktid = 1                                 # a fresh key's first packet
pt = b"dcovpn known-answer plaintext!!\n"   # 32 bytes
def pkt(k, md, v1=False):
    hdr = bytes([(6 << 3) | key_id]) if v1 else bytes([(9 << 3) | key_id]) + peer_id.to_bytes(3, "big")
    p = padding.PKCS7(128).padder()
    body = p.update(struct.pack(">I", pktid) + pt) + p.finalize()
    e = Cipher(algorithms.AES(k), modes.CBC(iv)).encryptor()
    ct = e.update(body) + e.finalize()
    h = hmac.HMAC(hkey[:md.digest_size], md)
    h.update(iv + ct)
    return hdr + h.finalize() + iv + ct
def c(name, b):
    print(f"/* {name} ({len(b)} bytes) */")
    for i in range(0, len(b), 12):
        print("\t" + " ".join(f"0x{x:02x}," for x in b[i:i+12]))
c("AES-256-CBC SHA256 V2", pkt(key, hashes.SHA256()))
c("AES-128-CBC SHA1 V1", pkt(key[:16], hashes.SHA1(), v1=True))
c("AES-192-CBC SHA512 V2", pkt(key[:24], hashes.SHA512()))
# Static key mode (--secret): no header, long-form packet-id (id, time).
def static_pkt(k, md, pid_time):
    p = padding.PKCS7(128).padder()
    body = p.update(struct.pack(">II", pktid, pid_time) + pt) + p.finalize()
    e = Cipher(algorithms.AES(k), modes.CBC(iv)).encryptor()
    ct = e.update(body) + e.finalize()
    h = hmac.HMAC(hkey[:md.digest_size], md)
    h.update(iv + ct)
    return h.finalize() + iv + ct
c("static AES-256-CBC SHA1, time 0x5f000000", static_pkt(key, hashes.SHA1(), 0x5f000000))
