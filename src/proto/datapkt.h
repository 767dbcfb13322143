/*
 * Data channel packet layout, OpenVPN 2.6 AEAD format (PROTOCOL.md 5.1, 5.2).
 *
 *  P_DATA_V2:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | opcode 9| kid |               peer-id (24 bit)                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      packet-id (32 bit)                       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    AEAD tag (16 bytes) ...                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    ciphertext ...                             |
 *
 *  AAD = the first 8 bytes (header + packet-id); IV = packet-id || nonce tail.
 *  P_DATA_V1 is the same with a 1-byte header; its AAD is the packet-id only.
 *  Cipher "none" (tests, as the drivers): header || packet-id || plaintext.
 *
 *  Epoch format (OpenVPN 2.7 "protocol-flags aead-epoch"; P_DATA_V2 only):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | opcode 9| kid |               peer-id (24 bit)                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        epoch (16 bit)         |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   counter in the epoch (48)   |
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    ciphertext ...                             |
 *  |                    AEAD tag (16 bytes), at the end            |
 *
 *  AAD = the first 12 bytes; IV = (epoch || counter || 4 zero bytes) XOR
 *  the 12-byte implicit IV of that epoch's data key (dco/epoch_kdf.h).
 *
 * Only this header and keyslot.c compose or take apart these bytes.
 */
#ifndef DCOVPN_PROTO_DATAPKT_H
#define DCOVPN_PROTO_DATAPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/bytes.h"
#include "proto/opcode.h"

#define DATAPKT_V1_HDR_LEN 1u
#define DATAPKT_V2_HDR_LEN 4u
#define DATAPKT_PKTID_LEN 4u
#define DATAPKT_TAG_LEN 16u
#define DATAPKT_EPOCH_PKTID_LEN 8u
#define DATAPKT_EPOCH_CTR_MAX 0xFFFFFFFFFFFFull	/* 48 bits */
#define DATAPKT_EPOCH_AAD_LEN (DATAPKT_V2_HDR_LEN + DATAPKT_EPOCH_PKTID_LEN)
/* Bytes the data channel adds in front of a plaintext packet at most. */
#define DATAPKT_MAX_OVERHEAD (DATAPKT_V2_HDR_LEN + DATAPKT_PKTID_LEN + DATAPKT_TAG_LEN)

/* Keepalive payload (ping.c): recognised by exact 16-byte match. */
#define DATAPKT_PING_LEN 16u
static const uint8_t datapkt_ping_magic[DATAPKT_PING_LEN] = {
	0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
	0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48,
};

/* OCC messages (occ.c): magic followed by one opcode byte. */
#define DATAPKT_OCC_MAGIC_LEN 16u
static const uint8_t datapkt_occ_magic[DATAPKT_OCC_MAGIC_LEN] = {
	0x28, 0x7f, 0x34, 0x6b, 0xd4, 0xef, 0x7a, 0x81,
	0x2d, 0x56, 0xb8, 0xd3, 0xaf, 0xc5, 0x45, 0x9c,
};
#define DATAPKT_OCC_EXIT 6u

static inline bool datapkt_is_ping(const uint8_t *p, size_t len)
{
	return len == DATAPKT_PING_LEN &&
	       memcmp(p, datapkt_ping_magic, DATAPKT_PING_LEN) == 0;
}

static inline bool datapkt_is_occ_exit(const uint8_t *p, size_t len)
{
	return len >= DATAPKT_OCC_MAGIC_LEN + 1 &&
	       memcmp(p, datapkt_occ_magic, DATAPKT_OCC_MAGIC_LEN) == 0 &&
	       p[DATAPKT_OCC_MAGIC_LEN] == DATAPKT_OCC_EXIT;
}

static inline size_t datapkt_hdr_len(uint8_t byte0)
{
	return opcode_of(byte0) == P_DATA_V2 ? DATAPKT_V2_HDR_LEN : DATAPKT_V1_HDR_LEN;
}

/* Peer-id of a P_DATA_V2 packet (caller checked len >= 4 and the opcode). */
static inline uint32_t datapkt_peer_id(const uint8_t *p)
{
	return load_be24(p + 1);
}

static inline void datapkt_put_v2_hdr(uint8_t *p, uint8_t key_id, uint32_t peer_id)
{
	p[0] = opcode_byte(P_DATA_V2, key_id);
	store_be24(p + 1, peer_id);
}

/* The 64-bit packet-id of the epoch format: epoch on top. */
static inline uint64_t datapkt_epoch_id(uint16_t epoch, uint64_t counter)
{
	return (uint64_t)epoch << 48 | (counter & DATAPKT_EPOCH_CTR_MAX);
}

static inline uint16_t datapkt_epoch_of(uint64_t id)
{
	return (uint16_t)(id >> 48);
}

static inline uint64_t datapkt_epoch_counter(uint64_t id)
{
	return id & DATAPKT_EPOCH_CTR_MAX;
}

#endif
