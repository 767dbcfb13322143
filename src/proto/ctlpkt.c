/* Control-channel packet parse/compose; the layout is drawn in ctlpkt.h. */
#include "proto/ctlpkt.h"

#include <string.h>

#include "base/bytes.h"

bool ctlpkt_opcode_is_control(enum opcode op)
{
	switch (op) {
	case P_CONTROL_SOFT_RESET_V1:
	case P_CONTROL_V1:
	case P_ACK_V1:
	case P_CONTROL_HARD_RESET_CLIENT_V2:
	case P_CONTROL_HARD_RESET_SERVER_V2:
	case P_CONTROL_HARD_RESET_CLIENT_V3:
	case P_CONTROL_WKC_V1:
		return true;
	default:
		return false;
	}
}

bool ctlpkt_opcode_has_msg_id(enum opcode op)
{
	return ctlpkt_opcode_is_control(op) && op != P_ACK_V1;
}

bool ctlpkt_opcode_is_hard_reset(enum opcode op)
{
	return op == P_CONTROL_HARD_RESET_CLIENT_V2 ||
	       op == P_CONTROL_HARD_RESET_SERVER_V2 ||
	       op == P_CONTROL_HARD_RESET_CLIENT_V3;
}

const char *ctlpkt_opcode_name(enum opcode op)
{
	static const char *const names[] = {
		[P_CONTROL_HARD_RESET_CLIENT_V1] = "P_CONTROL_HARD_RESET_CLIENT_V1",
		[P_CONTROL_HARD_RESET_SERVER_V1] = "P_CONTROL_HARD_RESET_SERVER_V1",
		[P_CONTROL_SOFT_RESET_V1] = "P_CONTROL_SOFT_RESET_V1",
		[P_CONTROL_V1] = "P_CONTROL_V1",
		[P_ACK_V1] = "P_ACK_V1",
		[P_DATA_V1] = "P_DATA_V1",
		[P_CONTROL_HARD_RESET_CLIENT_V2] = "P_CONTROL_HARD_RESET_CLIENT_V2",
		[P_CONTROL_HARD_RESET_SERVER_V2] = "P_CONTROL_HARD_RESET_SERVER_V2",
		[P_DATA_V2] = "P_DATA_V2",
		[P_CONTROL_HARD_RESET_CLIENT_V3] = "P_CONTROL_HARD_RESET_CLIENT_V3",
		[P_CONTROL_WKC_V1] = "P_CONTROL_WKC_V1",
	};
	unsigned i = (unsigned)op;

	if (i < sizeof(names) / sizeof(names[0]) && names[i])
		return names[i];
	return "P_UNKNOWN";
}

const char *ctlpkt_strerror(int err)
{
	switch (err) {
	case CTLPKT_OK:
		return "ok";
	case CTLPKT_ERR_TRUNCATED:
		return "packet shorter than its header announces";
	case CTLPKT_ERR_ACK_COUNT:
		return "ACK record holds more than 8 ids";
	case CTLPKT_ERR_OPCODE:
		return "not a control-channel opcode";
	case CTLPKT_ERR_KEY_METHOD1:
		return "unsupported key-method 1 opcode";
	case CTLPKT_ERR_ACK_EMPTY:
		return "P_ACK_V1 acknowledges nothing";
	case CTLPKT_ERR_NOSPACE:
		return "output buffer too small";
	case CTLPKT_ERR_INVAL:
		return "field not allowed for this opcode";
	case CTLPKT_ERR_TLV:
		return "malformed early-negotiation TLV";
	default:
		return "unknown control packet error";
	}
}

static int check_opcode(enum opcode op)
{
	if (op == P_CONTROL_HARD_RESET_CLIENT_V1 ||
	    op == P_CONTROL_HARD_RESET_SERVER_V1)
		return CTLPKT_ERR_KEY_METHOD1;
	return ctlpkt_opcode_is_control(op) ? CTLPKT_OK : CTLPKT_ERR_OPCODE;
}

size_t ctlpkt_reliable_len(enum opcode op, const struct ctlpkt_reliable *rel)
{
	size_t n = ctlpkt_ack_len(rel->ack.n <= CTLPKT_ACK_MAX ? rel->ack.n : 0);

	if (ctlpkt_opcode_has_msg_id(op))
		n += CTLPKT_MSGID_LEN;
	return n + rel->payload_len;
}

size_t ctlpkt_plain_len(const struct ctlpkt *pkt)
{
	return CTLPKT_HEAD_LEN + ctlpkt_reliable_len(pkt->head.opcode, &pkt->rel);
}

bool ctlpkt_ack_matches(const struct ctlpkt_ack *ack,
			const uint8_t own_sid[CTLPKT_SID_LEN])
{
	return ack->n == 0 ||
	       memcmp(ack->peer_sid, own_sid, CTLPKT_SID_LEN) == 0;
}

int ctlpkt_parse_head(const uint8_t *buf, size_t len, struct ctlpkt_head *h)
{
	int err;

	if (len < CTLPKT_HEAD_LEN)
		return CTLPKT_ERR_TRUNCATED;
	h->opcode = opcode_of(buf[0]);
	h->key_id = opcode_key_id(buf[0]);
	err = check_opcode(h->opcode);
	if (err)
		return err;
	memcpy(h->sid, buf + 1, CTLPKT_SID_LEN);
	return CTLPKT_OK;
}

int ctlpkt_compose_head(uint8_t *out, size_t cap, const struct ctlpkt_head *h)
{
	int err = check_opcode(h->opcode);

	if (err)
		return err;
	if (h->key_id > P_KEY_ID_MASK)
		return CTLPKT_ERR_INVAL;
	if (cap < CTLPKT_HEAD_LEN)
		return CTLPKT_ERR_NOSPACE;
	out[0] = opcode_byte(h->opcode, h->key_id);
	memcpy(out + 1, h->sid, CTLPKT_SID_LEN);
	return CTLPKT_OK;
}

int ctlpkt_parse_ack(const uint8_t *buf, size_t len, struct ctlpkt_ack *ack,
		     size_t *used)
{
	unsigned n, i;

	if (len < 1)
		return CTLPKT_ERR_TRUNCATED;
	n = buf[0];
	if (n > CTLPKT_ACK_MAX)
		return CTLPKT_ERR_ACK_COUNT;
	if (len < ctlpkt_ack_len(n))
		return CTLPKT_ERR_TRUNCATED;
	ack->n = (uint8_t)n;
	for (i = 0; i < n; i++)
		ack->ids[i] = load_be32(buf + 1 + 4 * i);
	if (n)
		memcpy(ack->peer_sid, buf + 1 + 4 * n, CTLPKT_SID_LEN);
	else
		memset(ack->peer_sid, 0, CTLPKT_SID_LEN);
	*used = ctlpkt_ack_len(n);
	return CTLPKT_OK;
}

int ctlpkt_compose_ack(uint8_t *out, size_t cap, const struct ctlpkt_ack *ack,
		       size_t *written)
{
	unsigned i, n = ack->n;

	if (n > CTLPKT_ACK_MAX)
		return CTLPKT_ERR_ACK_COUNT;
	if (cap < ctlpkt_ack_len(n))
		return CTLPKT_ERR_NOSPACE;
	out[0] = (uint8_t)n;
	for (i = 0; i < n; i++)
		store_be32(out + 1 + 4 * i, ack->ids[i]);
	if (n)
		memcpy(out + 1 + 4 * n, ack->peer_sid, CTLPKT_SID_LEN);
	*written = ctlpkt_ack_len(n);
	return CTLPKT_OK;
}

int ctlpkt_parse_msgid(const uint8_t *buf, size_t len, uint32_t *msg_id)
{
	if (len < CTLPKT_MSGID_LEN)
		return CTLPKT_ERR_TRUNCATED;
	*msg_id = load_be32(buf);
	return CTLPKT_OK;
}

int ctlpkt_compose_msgid(uint8_t *out, size_t cap, uint32_t msg_id)
{
	if (cap < CTLPKT_MSGID_LEN)
		return CTLPKT_ERR_NOSPACE;
	store_be32(out, msg_id);
	return CTLPKT_OK;
}

int ctlpkt_parse_reliable(const uint8_t *buf, size_t len, enum opcode op,
			  struct ctlpkt_reliable *out)
{
	size_t off;
	int err = check_opcode(op);

	if (err)
		return err;
	err = ctlpkt_parse_ack(buf, len, &out->ack, &off);
	if (err)
		return err;
	out->msg_id = 0;
	if (op == P_ACK_V1) {
		if (out->ack.n == 0)
			return CTLPKT_ERR_ACK_EMPTY;
	} else {
		err = ctlpkt_parse_msgid(buf + off, len - off, &out->msg_id);
		if (err)
			return err;
		off += CTLPKT_MSGID_LEN;
	}
	out->payload = buf + off;
	out->payload_len = len - off;
	return CTLPKT_OK;
}

/* Field rules shared by every composer: what the parser would refuse. */
static int check_reliable(enum opcode op, const struct ctlpkt_reliable *rel)
{
	int err = check_opcode(op);

	if (err)
		return err;
	if (rel->ack.n > CTLPKT_ACK_MAX)
		return CTLPKT_ERR_ACK_COUNT;
	if (op == P_ACK_V1 && rel->ack.n == 0)
		return CTLPKT_ERR_ACK_EMPTY;
	if (op == P_ACK_V1 && rel->payload_len)
		return CTLPKT_ERR_INVAL;
	if (rel->payload_len && !rel->payload)
		return CTLPKT_ERR_INVAL;
	return CTLPKT_OK;
}

int ctlpkt_compose_reliable(uint8_t *out, size_t cap, enum opcode op,
			    const struct ctlpkt_reliable *rel, size_t *written)
{
	size_t off;
	int err = check_reliable(op, rel);

	if (err)
		return err;
	if (cap < ctlpkt_reliable_len(op, rel))
		return CTLPKT_ERR_NOSPACE;
	/* Payload first: it may sit where the header is about to go. */
	off = ctlpkt_reliable_len(op, rel) - rel->payload_len;
	if (rel->payload_len)
		memmove(out + off, rel->payload, rel->payload_len);
	err = ctlpkt_compose_ack(out, cap, &rel->ack, &off);
	if (err)
		return err;
	if (ctlpkt_opcode_has_msg_id(op)) {
		store_be32(out + off, rel->msg_id);
		off += CTLPKT_MSGID_LEN;
	}
	*written = off + rel->payload_len;
	return CTLPKT_OK;
}

int ctlpkt_parse_plain(const uint8_t *buf, size_t len, struct ctlpkt *out)
{
	int err = ctlpkt_parse_head(buf, len, &out->head);

	if (err)
		return err;
	return ctlpkt_parse_reliable(buf + CTLPKT_HEAD_LEN, len - CTLPKT_HEAD_LEN,
				     out->head.opcode, &out->rel);
}

int ctlpkt_compose_plain(uint8_t *out, size_t cap, const struct ctlpkt *pkt,
			 size_t *written)
{
	size_t n;
	int err;

	err = check_reliable(pkt->head.opcode, &pkt->rel);
	if (err)
		return err;
	if (cap < ctlpkt_plain_len(pkt))
		return CTLPKT_ERR_NOSPACE;
	/* Reliable part first so an overlapping payload moves before the head lands. */
	err = ctlpkt_compose_reliable(out + CTLPKT_HEAD_LEN, cap - CTLPKT_HEAD_LEN,
				      pkt->head.opcode, &pkt->rel, &n);
	if (err)
		return err;
	err = ctlpkt_compose_head(out, cap, &pkt->head);
	if (err)
		return err;
	*written = CTLPKT_HEAD_LEN + n;
	return CTLPKT_OK;
}

int ctlpkt_parse_early_neg(const uint8_t *buf, size_t len,
			   struct ctlpkt_early_neg *out)
{
	size_t off = 0;

	out->has_flags = false;
	out->flags = 0;
	while (off < len) {
		uint16_t type, vlen;

		if (len - off < 4)
			return CTLPKT_ERR_TLV;
		type = load_be16(buf + off);
		vlen = load_be16(buf + off + 2);
		off += 4;
		if (len - off < vlen)
			return CTLPKT_ERR_TLV;
		if (type == CTLPKT_TLV_EARLY_NEG_FLAGS) {
			if (vlen != 2)
				return CTLPKT_ERR_TLV;
			out->has_flags = true;
			out->flags |= load_be16(buf + off);
		}
		off += vlen;
	}
	return CTLPKT_OK;
}

int ctlpkt_compose_early_neg(uint8_t *out, size_t cap, uint16_t flags)
{
	if (cap < CTLPKT_EARLY_NEG_LEN)
		return CTLPKT_ERR_NOSPACE;
	store_be16(out, CTLPKT_TLV_EARLY_NEG_FLAGS);
	store_be16(out + 2, 2);
	store_be16(out + 4, flags);
	return CTLPKT_OK;
}
