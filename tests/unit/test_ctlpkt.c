/* Control packets: exact layouts, round trips, real openvpn bytes, every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto/ctlpkt.h"

static const uint8_t sid_c[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
static const uint8_t sid_s[8] = { 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18 };

static const enum opcode control_ops[] = {
	P_CONTROL_SOFT_RESET_V1, P_CONTROL_V1, P_ACK_V1,
	P_CONTROL_HARD_RESET_CLIENT_V2, P_CONTROL_HARD_RESET_SERVER_V2,
	P_CONTROL_HARD_RESET_CLIENT_V3, P_CONTROL_WKC_V1,
};
#define N_CONTROL_OPS (sizeof(control_ops) / sizeof(control_ops[0]))

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (hex[0] && hex[1]) {
		assert_true(n < cap);
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static void test_hard_reset_client_exact(void **state)
{
	static const uint8_t want[14] = { 0x38, 0x11, 0x22, 0x33, 0x44, 0x55,
					  0x66, 0x77, 0x88, 0x00, 0, 0, 0, 0 };
	struct ctlpkt pkt = { .head = { .opcode = P_CONTROL_HARD_RESET_CLIENT_V2 } };
	struct ctlpkt in;
	uint8_t out[64];
	size_t n = 0;

	(void)state;
	memcpy(pkt.head.sid, sid_c, 8);
	assert_int_equal(ctlpkt_plain_len(&pkt), 14);
	assert_int_equal(ctlpkt_compose_plain(out, sizeof(out), &pkt, &n), 0);
	assert_int_equal(n, 14);
	assert_memory_equal(out, want, 14);

	assert_int_equal(ctlpkt_parse_plain(want, sizeof(want), &in), 0);
	assert_int_equal(in.head.opcode, P_CONTROL_HARD_RESET_CLIENT_V2);
	assert_int_equal(in.head.key_id, 0);
	assert_memory_equal(in.head.sid, sid_c, 8);
	assert_int_equal(in.rel.ack.n, 0);
	assert_int_equal(in.rel.msg_id, 0);
	assert_int_equal(in.rel.payload_len, 0);
}

/* PROTOCOL.md 1.5: 40 | sid | 01 | 00000000 | client sid | 00000000 [| TLV] */
static void test_server_reset_26_layout(void **state)
{
	uint8_t want[64], out[64], tlv[CTLPKT_EARLY_NEG_LEN];
	struct ctlpkt pkt = { .head = { .opcode = P_CONTROL_HARD_RESET_SERVER_V2 } };
	struct ctlpkt in;
	struct ctlpkt_early_neg en;
	size_t wn, n;

	(void)state;
	wn = unhex("40" "a1b2c3d4e5f60718" "01" "00000000" "1122334455667788"
		   "00000000" "000100020001", want, sizeof(want));
	assert_int_equal(wn, 32);
	memcpy(pkt.head.sid, sid_s, 8);
	pkt.rel.ack.n = 1;
	pkt.rel.ack.ids[0] = 0;
	memcpy(pkt.rel.ack.peer_sid, sid_c, 8);
	assert_int_equal(ctlpkt_compose_plain(out, sizeof(out), &pkt, &n), 0);
	assert_int_equal(n, 26);
	assert_memory_equal(out, want, 26);

	/* With the tls-crypt-v2 "resend WKc" request appended. */
	assert_int_equal(ctlpkt_compose_early_neg(tlv, sizeof(tlv),
						  CTLPKT_EARLY_NEG_RESEND_WKC), 0);
	pkt.rel.payload = tlv;
	pkt.rel.payload_len = sizeof(tlv);
	assert_int_equal(ctlpkt_compose_plain(out, sizeof(out), &pkt, &n), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(out, want, 32);

	assert_int_equal(ctlpkt_parse_plain(out, n, &in), 0);
	assert_int_equal(in.head.opcode, P_CONTROL_HARD_RESET_SERVER_V2);
	assert_memory_equal(in.head.sid, sid_s, 8);
	assert_int_equal(in.rel.ack.n, 1);
	assert_int_equal(in.rel.ack.ids[0], 0);
	assert_memory_equal(in.rel.ack.peer_sid, sid_c, 8);
	assert_true(ctlpkt_ack_matches(&in.rel.ack, sid_c));
	assert_false(ctlpkt_ack_matches(&in.rel.ack, sid_s));
	assert_int_equal(in.rel.msg_id, 0);
	assert_ptr_equal(in.rel.payload, out + 26);
	assert_int_equal(ctlpkt_parse_early_neg(in.rel.payload, in.rel.payload_len, &en), 0);
	assert_true(en.has_flags);
	assert_int_equal(en.flags, CTLPKT_EARLY_NEG_RESEND_WKC);
}

static void fill_pkt(struct ctlpkt *p, enum opcode op, unsigned key_id,
		     unsigned nack, const uint8_t *payload, size_t plen)
{
	unsigned i;

	memset(p, 0, sizeof(*p));
	p->head.opcode = op;
	p->head.key_id = (uint8_t)key_id;
	memcpy(p->head.sid, sid_c, 8);
	p->rel.ack.n = (uint8_t)nack;
	for (i = 0; i < nack; i++)
		p->rel.ack.ids[i] = 0xfffffff0u + i * 7u;
	memcpy(p->rel.ack.peer_sid, sid_s, 8);
	p->rel.msg_id = op == P_ACK_V1 ? 0 : 0x01020304u + key_id;
	p->rel.payload = payload;
	p->rel.payload_len = op == P_ACK_V1 ? 0 : plen;
}

static void check_same(const struct ctlpkt *a, const struct ctlpkt *b)
{
	assert_int_equal(a->head.opcode, b->head.opcode);
	assert_int_equal(a->head.key_id, b->head.key_id);
	assert_memory_equal(a->head.sid, b->head.sid, 8);
	assert_int_equal(a->rel.ack.n, b->rel.ack.n);
	if (a->rel.ack.n) {
		assert_memory_equal(a->rel.ack.ids, b->rel.ack.ids, 4u * a->rel.ack.n);
		assert_memory_equal(a->rel.ack.peer_sid, b->rel.ack.peer_sid, 8);
	}
	assert_int_equal(a->rel.msg_id, b->rel.msg_id);
	assert_int_equal(a->rel.payload_len, b->rel.payload_len);
	if (a->rel.payload_len)
		assert_memory_equal(a->rel.payload, b->rel.payload, a->rel.payload_len);
}

static void round_trip_one(enum opcode op, unsigned key_id, unsigned nack,
			   const uint8_t *payload, size_t plen)
{
	uint8_t wire[1200];
	struct ctlpkt p, q;
	size_t n = 0;

	fill_pkt(&p, op, key_id, nack, payload, plen);
	assert_int_equal(ctlpkt_compose_plain(wire, sizeof(wire), &p, &n), 0);
	assert_int_equal(n, ctlpkt_plain_len(&p));
	assert_int_equal(wire[0], (op << 3) | key_id);
	assert_int_equal(wire[9], nack);
	assert_int_equal(ctlpkt_parse_plain(wire, n, &q), 0);
	check_same(&p, &q);
	assert_ptr_equal(q.rel.payload, wire + n - q.rel.payload_len);
}

static void test_round_trip_every_opcode(void **state)
{
	uint8_t payload[1000];
	static const size_t plens[] = { 0, 1, 100, 1000 };
	unsigned i, k, a, l;

	(void)state;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 31 + 7);
	for (i = 0; i < N_CONTROL_OPS; i++)
		for (k = 0; k < 8; k++)
			for (a = control_ops[i] == P_ACK_V1; a <= CTLPKT_ACK_MAX; a++)
				for (l = 0; l < 4; l++)
					round_trip_one(control_ops[i], k, a, payload,
						       plens[l]);
}

/* The reliable part alone, as a tls-crypt unwrap would hand it over. */
static void test_reliable_part_alone(void **state)
{
	uint8_t wire[64];
	struct ctlpkt p;
	struct ctlpkt_reliable r;
	const uint8_t payload[3] = { 0x16, 0x03, 0x01 };
	size_t n = 0;

	(void)state;
	fill_pkt(&p, P_CONTROL_V1, 0, 2, payload, 3);
	assert_int_equal(ctlpkt_compose_reliable(wire, sizeof(wire), P_CONTROL_V1,
						 &p.rel, &n), 0);
	assert_int_equal(n, 1 + 8 + 8 + 4 + 3);
	assert_int_equal(ctlpkt_reliable_len(P_CONTROL_V1, &p.rel), n);
	assert_int_equal(ctlpkt_parse_reliable(wire, n, P_CONTROL_V1, &r), 0);
	assert_int_equal(r.ack.n, 2);
	assert_int_equal(r.msg_id, p.rel.msg_id);
	assert_int_equal(r.payload_len, 3);
	assert_memory_equal(r.payload, payload, 3);
	/* The same bytes read as P_ACK_V1 keep everything after the record. */
	assert_int_equal(ctlpkt_parse_reliable(wire, n, P_ACK_V1, &r), 0);
	assert_int_equal(r.payload_len, 4 + 3);
}

/*
 * Packets captured from openvpn 2.6.14 with tls-auth SHA1
 * (tests/vectors/tlswrap-tlsauth_sha1.pkts): the reliable part starts after
 * head (9) + HMAC (20) + packet-id (4) + net-time (4) = 37 bytes.
 */
#define TA_SHA1_OFF 37
static const char *const ovpn_pkts[] = {
	/* c2s HARD_RESET_CLIENT_V2 msg 0 */
	"387e21d2604b3e88fffe443c58e2abcf5556b2234656fd442526bb88bf000000016b05faf60000000000",
	/* s2c HARD_RESET_SERVER_V2: ack 0 (client sid), msg 0 */
	"40a4d2e6c48f38e9801b2e74ab3db07bcbca6f95d6d81df87c9bca0b50000000016b05faf601000000007e21d2604b3e88ff00000000",
	/* c2s P_ACK_V1 acking 1, 0 (the second one from the MRU list) */
	"287e21d2604b3e88ff586a5d6122f8fd5886c3625ef85eb1910a22cfad000000036b05faf6020000000100000000a4d2e6c48f38e980",
	/* c2s P_ACK_V1 with six ids 5..0: one new, five repeated from the MRU */
	"287e21d2604b3e88ffad8e7a2b4f3c409428dc869b13ad35574e8f79eb000000086b05faf606000000050000000400000003000000020000000100000000a4d2e6c48f38e980",
	/* c2s P_CONTROL_V1 acking 2, 1, 0, msg 2, TLS bytes */
	"207e21d2604b3e88ffbc60fdcb17370cd33d9fbeb8065c480de736e976000000046b05faf603000000020000000100000000a4d2e6c48f38e9800000000214030300010117",
};

static void parse_ovpn(unsigned i, struct ctlpkt_head *h, struct ctlpkt_reliable *r,
		       uint8_t *buf, size_t cap)
{
	size_t n = unhex(ovpn_pkts[i], buf, cap);

	assert_int_equal(ctlpkt_parse_head(buf, n, h), 0);
	assert_int_equal(ctlpkt_parse_reliable(buf + TA_SHA1_OFF, n - TA_SHA1_OFF,
					       h->opcode, r), 0);
}

static void test_openvpn_captured(void **state)
{
	static const uint8_t cli[8] = { 0x7e, 0x21, 0xd2, 0x60, 0x4b, 0x3e, 0x88, 0xff };
	static const uint8_t srv[8] = { 0xa4, 0xd2, 0xe6, 0xc4, 0x8f, 0x38, 0xe9, 0x80 };
	static const uint32_t six[6] = { 5, 4, 3, 2, 1, 0 };
	uint8_t buf[256];
	struct ctlpkt_head h;
	struct ctlpkt_reliable r;

	(void)state;
	parse_ovpn(0, &h, &r, buf, sizeof(buf));
	assert_int_equal(h.opcode, P_CONTROL_HARD_RESET_CLIENT_V2);
	assert_memory_equal(h.sid, cli, 8);
	assert_int_equal(r.ack.n, 0);
	assert_int_equal(r.msg_id, 0);
	assert_int_equal(r.payload_len, 0);

	parse_ovpn(1, &h, &r, buf, sizeof(buf));
	assert_int_equal(h.opcode, P_CONTROL_HARD_RESET_SERVER_V2);
	assert_memory_equal(h.sid, srv, 8);
	assert_int_equal(r.ack.n, 1);
	assert_int_equal(r.ack.ids[0], 0);
	assert_true(ctlpkt_ack_matches(&r.ack, cli));
	assert_int_equal(r.msg_id, 0);
	assert_int_equal(r.payload_len, 0);

	parse_ovpn(2, &h, &r, buf, sizeof(buf));
	assert_int_equal(h.opcode, P_ACK_V1);
	assert_int_equal(r.ack.n, 2);
	assert_int_equal(r.ack.ids[0], 1);
	assert_int_equal(r.ack.ids[1], 0);
	assert_true(ctlpkt_ack_matches(&r.ack, srv));
	assert_int_equal(r.payload_len, 0);

	parse_ovpn(3, &h, &r, buf, sizeof(buf));
	assert_int_equal(r.ack.n, 6);
	assert_memory_equal(r.ack.ids, six, sizeof(six));

	parse_ovpn(4, &h, &r, buf, sizeof(buf));
	assert_int_equal(h.opcode, P_CONTROL_V1);
	assert_int_equal(r.ack.n, 3);
	assert_int_equal(r.msg_id, 2);
	assert_int_equal(r.payload_len, 7);
	assert_int_equal(r.payload[0], 0x14);
}

/* Every strict prefix of a packet whose header ends at @hdr is refused. */
static void check_prefixes(const uint8_t *wire, size_t hdr)
{
	struct ctlpkt q;
	size_t len;

	for (len = 0; len < hdr; len++)
		assert_int_equal(ctlpkt_parse_plain(wire, len, &q), CTLPKT_ERR_TRUNCATED);
}

static void test_truncated(void **state)
{
	uint8_t wire[128], payload[5] = { 1, 2, 3, 4, 5 };
	struct ctlpkt p, q;
	unsigned i, a;
	size_t n, hdr;

	(void)state;
	for (i = 0; i < N_CONTROL_OPS; i++) {
		for (a = 0; a <= CTLPKT_ACK_MAX; a++) {
			if (control_ops[i] == P_ACK_V1 && a == 0)
				continue;
			fill_pkt(&p, control_ops[i], 1, a, payload, sizeof(payload));
			assert_int_equal(ctlpkt_compose_plain(wire, sizeof(wire), &p, &n), 0);
			hdr = n - p.rel.payload_len;
			check_prefixes(wire, hdr);
			/* Shorter payloads are just shorter payloads. */
			assert_int_equal(ctlpkt_parse_plain(wire, hdr, &q), 0);
			assert_int_equal(q.rel.payload_len, 0);
		}
	}
}

static void test_ack_count_over_8(void **state)
{
	uint8_t wire[256] = { 0 };
	struct ctlpkt q;
	struct ctlpkt_ack ack;
	unsigned n;
	size_t used;

	(void)state;
	wire[0] = opcode_byte(P_CONTROL_V1, 0);
	for (n = 9; n < 256; n++) {
		wire[9] = (uint8_t)n;
		/* Long enough for all n ids: the count alone is the fault. */
		assert_int_equal(ctlpkt_parse_plain(wire, sizeof(wire), &q),
				 CTLPKT_ERR_ACK_COUNT);
		assert_int_equal(ctlpkt_parse_ack(wire + 9, sizeof(wire) - 9, &ack, &used),
				 CTLPKT_ERR_ACK_COUNT);
	}
}

static void test_bad_opcodes(void **state)
{
	uint8_t wire[64] = { 0 };
	struct ctlpkt q;
	struct ctlpkt_reliable r;
	unsigned op, k;
	int want;

	(void)state;
	for (op = 0; op < 32; op++) {
		if (ctlpkt_opcode_is_control((enum opcode)op))
			continue;
		want = (op == 1 || op == 2) ? CTLPKT_ERR_KEY_METHOD1 : CTLPKT_ERR_OPCODE;
		for (k = 0; k < 8; k++) {
			wire[0] = (uint8_t)(op << 3 | k);
			assert_int_equal(ctlpkt_parse_plain(wire, sizeof(wire), &q), want);
		}
		assert_int_equal(ctlpkt_parse_reliable(wire + 9, 20, (enum opcode)op, &r),
				 want);
	}
	assert_false(ctlpkt_opcode_is_control(P_DATA_V1));
	assert_false(ctlpkt_opcode_is_control(P_DATA_V2));
}

static void test_ack_v1_without_acks(void **state)
{
	uint8_t wire[10] = { opcode_byte(P_ACK_V1, 0), 1, 2, 3, 4, 5, 6, 7, 8, 0 };
	struct ctlpkt q;
	struct ctlpkt p;
	uint8_t out[64];
	size_t n;

	(void)state;
	assert_int_equal(ctlpkt_parse_plain(wire, sizeof(wire), &q), CTLPKT_ERR_ACK_EMPTY);
	fill_pkt(&p, P_ACK_V1, 0, 0, NULL, 0);
	assert_int_equal(ctlpkt_compose_plain(out, sizeof(out), &p, &n),
			 CTLPKT_ERR_ACK_EMPTY);
}

static void test_compose_refusals(void **state)
{
	uint8_t out[128], payload[10] = { 0 };
	struct ctlpkt p;
	size_t need, cap, n;

	(void)state;
	fill_pkt(&p, P_CONTROL_V1, 3, 4, payload, sizeof(payload));
	need = ctlpkt_plain_len(&p);
	for (cap = 0; cap < need; cap++)
		assert_int_equal(ctlpkt_compose_plain(out, cap, &p, &n), CTLPKT_ERR_NOSPACE);
	assert_int_equal(ctlpkt_compose_plain(out, need, &p, &n), 0);

	p.rel.ack.n = 9;
	assert_int_equal(ctlpkt_compose_plain(out, sizeof(out), &p, &n),
			 CTLPKT_ERR_ACK_COUNT);
	fill_pkt(&p, P_CONTROL_V1, 8, 0, payload, 1);
	assert_int_equal(ctlpkt_compose_plain(out, sizeof(out), &p, &n), CTLPKT_ERR_INVAL);
	fill_pkt(&p, P_ACK_V1, 0, 1, payload, 0);
	p.rel.payload_len = 1;
	assert_int_equal(ctlpkt_compose_plain(out, sizeof(out), &p, &n), CTLPKT_ERR_INVAL);
	fill_pkt(&p, P_DATA_V2, 0, 1, payload, 0);
	assert_int_equal(ctlpkt_compose_plain(out, sizeof(out), &p, &n), CTLPKT_ERR_OPCODE);
	fill_pkt(&p, P_CONTROL_HARD_RESET_CLIENT_V1, 0, 1, payload, 0);
	assert_int_equal(ctlpkt_compose_plain(out, sizeof(out), &p, &n),
			 CTLPKT_ERR_KEY_METHOD1);
	assert_int_equal(ctlpkt_compose_msgid(out, 3, 1), CTLPKT_ERR_NOSPACE);
	assert_int_equal(ctlpkt_compose_early_neg(out, 5, 1), CTLPKT_ERR_NOSPACE);
}

/* Composing with the payload already inside the output buffer moves it safely. */
static void test_compose_in_place(void **state)
{
	uint8_t buf[128], want[128];
	struct ctlpkt p;
	size_t i, n, wn;

	(void)state;
	for (i = 0; i < 40; i++)
		want[i] = (uint8_t)(0x40 + i);
	fill_pkt(&p, P_CONTROL_V1, 0, 3, want, 40);
	assert_int_equal(ctlpkt_compose_plain(want + 40, sizeof(want) - 40, &p, &wn), 0);
	memcpy(buf, want, 40);
	fill_pkt(&p, P_CONTROL_V1, 0, 3, buf, 40);
	assert_int_equal(ctlpkt_compose_plain(buf, sizeof(buf), &p, &n), 0);
	assert_int_equal(n, wn);
	assert_memory_equal(buf, want + 40, n);
}

static void test_early_neg(void **state)
{
	struct ctlpkt_early_neg en;
	uint8_t b[64];
	size_t n;

	(void)state;
	assert_int_equal(ctlpkt_parse_early_neg(NULL, 0, &en), 0);
	assert_false(en.has_flags);

	/* Unknown type 0x1234 (3 bytes) skipped, then flags, then empty unknown. */
	n = unhex("123400030a0b0c000100020001ffff0000", b, sizeof(b));
	assert_int_equal(ctlpkt_parse_early_neg(b, n, &en), 0);
	assert_true(en.has_flags);
	assert_int_equal(en.flags, CTLPKT_EARLY_NEG_RESEND_WKC);

	n = unhex("00010002000000050001", b, sizeof(b));
	assert_int_equal(ctlpkt_parse_early_neg(b, 6, &en), 0);
	assert_true(en.has_flags);
	assert_int_equal(en.flags, 0);
	/* Trailing 4 bytes: type 5, length 1, no value byte. */
	assert_int_equal(ctlpkt_parse_early_neg(b, n, &en), CTLPKT_ERR_TLV);
	/* Fewer than 4 bytes of TLV header. */
	assert_int_equal(ctlpkt_parse_early_neg(b, 3, &en), CTLPKT_ERR_TLV);
	assert_int_equal(ctlpkt_parse_early_neg(b, 7, &en), CTLPKT_ERR_TLV);
	/* EARLY_NEG_FLAGS must be exactly 2 bytes long. */
	n = unhex("00010003000100", b, sizeof(b));
	assert_int_equal(ctlpkt_parse_early_neg(b, n, &en), CTLPKT_ERR_TLV);
	n = unhex("00010000", b, sizeof(b));
	assert_int_equal(ctlpkt_parse_early_neg(b, n, &en), CTLPKT_ERR_TLV);
	/* Length beyond the buffer. */
	n = unhex("0009ffff00", b, sizeof(b));
	assert_int_equal(ctlpkt_parse_early_neg(b, n, &en), CTLPKT_ERR_TLV);
}

static void test_strings(void **state)
{
	static const int errs[] = {
		CTLPKT_ERR_TRUNCATED, CTLPKT_ERR_ACK_COUNT, CTLPKT_ERR_OPCODE,
		CTLPKT_ERR_KEY_METHOD1, CTLPKT_ERR_ACK_EMPTY, CTLPKT_ERR_NOSPACE,
		CTLPKT_ERR_INVAL, CTLPKT_ERR_TLV,
	};
	const char *unknown = ctlpkt_strerror(-1000);
	unsigned i, j;

	(void)state;
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		assert_string_not_equal(ctlpkt_strerror(errs[i]), unknown);
		for (j = 0; j < i; j++) {
			assert_int_not_equal(errs[i], errs[j]);
			assert_string_not_equal(ctlpkt_strerror(errs[i]),
						ctlpkt_strerror(errs[j]));
		}
	}
	assert_string_equal(ctlpkt_opcode_name(P_ACK_V1), "P_ACK_V1");
	assert_string_equal(ctlpkt_opcode_name((enum opcode)31), "P_UNKNOWN");
	assert_string_equal(ctlpkt_opcode_name((enum opcode)0), "P_UNKNOWN");
	assert_true(ctlpkt_opcode_is_hard_reset(P_CONTROL_HARD_RESET_CLIENT_V3));
	assert_false(ctlpkt_opcode_is_hard_reset(P_CONTROL_SOFT_RESET_V1));
	assert_false(ctlpkt_opcode_has_msg_id(P_ACK_V1));
	assert_true(ctlpkt_opcode_has_msg_id(P_CONTROL_WKC_V1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hard_reset_client_exact),
		cmocka_unit_test(test_server_reset_26_layout),
		cmocka_unit_test(test_round_trip_every_opcode),
		cmocka_unit_test(test_reliable_part_alone),
		cmocka_unit_test(test_openvpn_captured),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_ack_count_over_8),
		cmocka_unit_test(test_bad_opcodes),
		cmocka_unit_test(test_ack_v1_without_acks),
		cmocka_unit_test(test_compose_refusals),
		cmocka_unit_test(test_compose_in_place),
		cmocka_unit_test(test_early_neg),
		cmocka_unit_test(test_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
