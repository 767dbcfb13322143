/*
 * Data channel packet layout of OpenVPN's non-AEAD ciphers (AES-CBC with an
 * HMAC, --cipher/--auth), TLS mode (crypto.c openvpn_encrypt_v1 in 2.6):
 *
 *  +-----------------+--------------+--------+---------------------------+
 *  | opcode/peer-id  | HMAC         | IV     | ciphertext                |
 *  | 4 (V2) or 1 (V1)| auth's size  | 16     | n * 16                    |
 *  +-----------------+--------------+--------+---------------------------+
 *                                   '---- HMAC covers these ------------'
 *
 *  ciphertext = AES-CBC(cipher key, IV, packet-id (4) || payload), PKCS#7
 *  padded; IV random per packet; HMAC = HMAC-<auth>(hmac key, IV ||
 *  ciphertext). The header is not authenticated in this format (it is with
 *  AEAD): a forged key-id or peer-id only picks a key the HMAC then refuses.
 *  The packet-id is OpenVPN's short form (32 bit, no time) in TLS mode.
 *
 *  Static key mode (--secret, crypto.c with CO_PACKET_ID_LONG_FORM): no
 *  header at all (every datagram is data), and the packet-id inside the
 *  encryption is the long form: id (4) || sender's time in seconds (4).
 *
 *  Keys: the key block's cipher half of a direction gives the cipher key
 *  (first 16/24/32 bytes), its HMAC half the HMAC key (first HMAC-size bytes).
 *
 * Only this header, dco/keyslot_cbc.c and dco/cbc.c deal with these bytes.
 */
#ifndef DCOVPN_PROTO_DATAPKT_CBC_H
#define DCOVPN_PROTO_DATAPKT_CBC_H

#include "proto/datapkt.h"

#define DATAPKT_CBC_IV_LEN 16u
/* Static key mode: packet-id (4) then the sender's time (4 bytes, s). */
#define DATAPKT_CBC_LONG_PKTID_LEN 8u
#define DATAPKT_CBC_BLOCK 16u
#define DATAPKT_CBC_MAC_MAX 64u	/* SHA512 */
/* In front of the plaintext at most: header, HMAC, IV, packet-id. */
#define DATAPKT_CBC_HEAD_MAX (DATAPKT_V2_HDR_LEN + DATAPKT_CBC_MAC_MAX + \
			      DATAPKT_CBC_IV_LEN + DATAPKT_PKTID_LEN)
/* After it: the padding, 1..16 bytes. */
#define DATAPKT_CBC_TAIL_MAX DATAPKT_CBC_BLOCK

#endif
