/*
 * Control-channel packets (PROTOCOL.md 1.5): the unwrapped header and the
 * "reliable part" that every wrapping mode carries.
 *
 * Plain (no tls-auth / tls-crypt) control packet:
 *
 *    0        1                          9
 *   +--------+--------------------------+
 *   | byte0  |  sender session id (8)   |          head, CTLPKT_HEAD_LEN
 *   +--------+--------------------------+
 *   | n (1)  |  n x acked message-id (4 each, n = 0..8)            |
 *   +--------+-----------------------------------------------------+
 *   |  peer's session id (8)            only when n > 0            |  ACK record
 *   +-----------------------------------+-------------------------+
 *   |  message-id (4)                   absent in P_ACK_V1        |
 *   +-----------------------------------------------------------+
 *   |  payload: TLS bytes (P_CONTROL_V1, P_CONTROL_WKC_V1),      |
 *   |  early-negotiation TLVs (hard resets), empty (soft reset)  |
 *   +-----------------------------------------------------------+
 *
 * "Reliable part" = ACK record | [message-id] | payload. Wrapping places it
 * differently, which is why head and reliable part have their own functions:
 *   tls-auth:  head | HMAC | packet-id (4) | net-time (4) | reliable part
 *   tls-crypt: head | packet-id (4) | net-time (4) | tag (32) |
 *              AES-256-CTR(reliable part)       [| WKc for tls-crypt-v2]
 *
 * Hard-reset payload (message-id 0 of a HARD_RESET_*): a list of TLVs
 *
 *   +----------------+----------------+-----------------+
 *   | type (2)       | length (2)     | value (length)  |  ...
 *   +----------------+----------------+-----------------+
 *
 * of which only EARLY_NEG_FLAGS (type 1, length 2, flags) is defined; its only
 * flag is RESEND_WKC (1). Unknown types are skipped.
 *
 * Parsers never copy the payload: they point into the input, so the input must
 * outlive the result. Every function returns 0 or a negative enum ctlpkt_err
 * (these are not errnos; ctlpkt_strerror() names them).
 */
#ifndef DCOVPN_PROTO_CTLPKT_H
#define DCOVPN_PROTO_CTLPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/opcode.h"

#define CTLPKT_SID_LEN 8u
#define CTLPKT_HEAD_LEN (1u + CTLPKT_SID_LEN)
#define CTLPKT_MSGID_LEN 4u
/* Most ids one ACK record may hold (OpenVPN's RELIABLE_ACK_SIZE). */
#define CTLPKT_ACK_MAX 8u
/* Largest ACK record: count, 8 ids, peer session id. */
#define CTLPKT_ACK_LEN_MAX (1u + CTLPKT_ACK_MAX * 4u + CTLPKT_SID_LEN)

#define CTLPKT_TLV_EARLY_NEG_FLAGS 0x0001u
#define CTLPKT_EARLY_NEG_RESEND_WKC 0x0001u
/* One EARLY_NEG_FLAGS TLV on the wire. */
#define CTLPKT_EARLY_NEG_LEN 6u

enum ctlpkt_err {
	CTLPKT_OK = 0,
	CTLPKT_ERR_TRUNCATED = -1,  /* shorter than its header says */
	CTLPKT_ERR_ACK_COUNT = -2,  /* ACK record count above 8 */
	CTLPKT_ERR_OPCODE = -3,     /* not a control opcode */
	CTLPKT_ERR_KEY_METHOD1 = -4, /* opcode 1 or 2: key-method 1 */
	CTLPKT_ERR_ACK_EMPTY = -5,  /* P_ACK_V1 acknowledging nothing */
	CTLPKT_ERR_NOSPACE = -6,    /* compose: output buffer too small */
	CTLPKT_ERR_INVAL = -7,      /* compose: field not allowed for opcode */
	CTLPKT_ERR_TLV = -8,        /* malformed early-negotiation TLV */
};

/* byte0 and the sender's session id. */
struct ctlpkt_head {
	enum opcode opcode;
	uint8_t key_id;                 /* 0..7 */
	uint8_t sid[CTLPKT_SID_LEN];    /* sender's own session id */
};

/* An ACK record: ids the sender acknowledges, and whose they are. */
struct ctlpkt_ack {
	uint8_t n;                            /* 0..CTLPKT_ACK_MAX */
	uint32_t ids[CTLPKT_ACK_MAX];
	uint8_t peer_sid[CTLPKT_SID_LEN];     /* receiver's sid; valid if n > 0 */
};

/* ACK record | [message-id] | payload. */
struct ctlpkt_reliable {
	struct ctlpkt_ack ack;
	uint32_t msg_id;          /* meaningless for P_ACK_V1 */
	const uint8_t *payload;   /* points into the parsed input */
	size_t payload_len;       /* P_ACK_V1: trailing bytes, which OpenVPN ignores */
};

/* A whole unwrapped control packet. */
struct ctlpkt {
	struct ctlpkt_head head;
	struct ctlpkt_reliable rel;
};

struct ctlpkt_early_neg {
	bool has_flags;           /* an EARLY_NEG_FLAGS TLV was present */
	uint16_t flags;           /* CTLPKT_EARLY_NEG_* bits */
};

/* Opcode classes. */
bool ctlpkt_opcode_is_control(enum opcode op);
bool ctlpkt_opcode_has_msg_id(enum opcode op);
bool ctlpkt_opcode_is_hard_reset(enum opcode op);
/* OpenVPN's name ("P_CONTROL_V1"), "P_UNKNOWN" otherwise. */
const char *ctlpkt_opcode_name(enum opcode op);
const char *ctlpkt_strerror(int err);

/* Wire length of an ACK record with @n ids (n <= CTLPKT_ACK_MAX). */
static inline size_t ctlpkt_ack_len(unsigned n)
{
	return 1u + 4u * n + (n ? CTLPKT_SID_LEN : 0u);
}

/* Length of the reliable part / the whole plain packet, for sizing buffers. */
size_t ctlpkt_reliable_len(enum opcode op, const struct ctlpkt_reliable *rel);
size_t ctlpkt_plain_len(const struct ctlpkt *pkt);

/*
 * True if @ack may be applied to our send window: it is empty, or it names our
 * own session id @own_sid. OpenVPN drops the packet otherwise (reliable_ack_read).
 */
bool ctlpkt_ack_matches(const struct ctlpkt_ack *ack,
			const uint8_t own_sid[CTLPKT_SID_LEN]);

/* The parts. @used / @written report the bytes consumed / produced. */
int ctlpkt_parse_head(const uint8_t *buf, size_t len, struct ctlpkt_head *h);
int ctlpkt_compose_head(uint8_t *out, size_t cap, const struct ctlpkt_head *h);
int ctlpkt_parse_ack(const uint8_t *buf, size_t len, struct ctlpkt_ack *ack,
		     size_t *used);
int ctlpkt_compose_ack(uint8_t *out, size_t cap, const struct ctlpkt_ack *ack,
		       size_t *written);
int ctlpkt_parse_msgid(const uint8_t *buf, size_t len, uint32_t *msg_id);
int ctlpkt_compose_msgid(uint8_t *out, size_t cap, uint32_t msg_id);

/*
 * The reliable part, from the ACK record to the end of @buf, for opcode @op
 * (from byte0, wherever the wrapping put it). Checks @op, the ACK count, that
 * every announced field fits, and that a P_ACK_V1 acknowledges something.
 */
int ctlpkt_parse_reliable(const uint8_t *buf, size_t len, enum opcode op,
			  struct ctlpkt_reliable *out);
/* Inverse; the payload may overlap @out (it is moved, not copied). */
int ctlpkt_compose_reliable(uint8_t *out, size_t cap, enum opcode op,
			    const struct ctlpkt_reliable *rel, size_t *written);

/* A whole unwrapped packet: head followed by the reliable part. */
int ctlpkt_parse_plain(const uint8_t *buf, size_t len, struct ctlpkt *out);
int ctlpkt_compose_plain(uint8_t *out, size_t cap, const struct ctlpkt *pkt,
			 size_t *written);

/* Hard-reset payload TLVs. An empty payload is valid (no flags). */
int ctlpkt_parse_early_neg(const uint8_t *buf, size_t len,
			   struct ctlpkt_early_neg *out);
/* Writes one EARLY_NEG_FLAGS TLV (CTLPKT_EARLY_NEG_LEN bytes). */
int ctlpkt_compose_early_neg(uint8_t *out, size_t cap, uint16_t flags);

#endif
