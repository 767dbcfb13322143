/*
 * The UDP server's front door (ctl/mudp.c): the stateless cookie exchange,
 * plain and with tls-crypt-v2, the latter on a reset captured from the real
 * openvpn 2.6 (tests/vectors/make-tlswrap-vectors.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/bytes.h"
#include "ctl/mudp.h"
#include "proto/ctlpkt.h"
#include "proto/opcode.h"
#include "proto/tlscryptv2.h"
#include "proto/tlswrap.h"

struct vec_pkt {
	const uint8_t *p;
	size_t len;
};

#include "../vectors/tlswrap-keys.inc"
#include "../vectors/tlswrap-vectors.inc"

static void sin4(struct sockaddr_in *s, const char *a, unsigned port)
{
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	s->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, a, &s->sin_addr);
}

/* Hard reset -> stateless reply whose sid is the cookie; the ACK with it
 * from the same source is accepted, from another source or later not. */
static void test_cookie(void **state)
{
	static const uint8_t reset[] = { P_CONTROL_HARD_RESET_CLIENT_V2 << 3,
		1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0 };
	uint8_t ack[1 + 8 + 1 + 4 + 8];
	struct mudp m;
	struct mudp_result r;
	struct sockaddr_in a, b;
	uint32_t now = 1000000;

	(void)state;
	assert_int_equal(mudp_init(&m, NULL, 30), 0);
	sin4(&a, "198.18.0.2", 5000);
	sin4(&b, "198.18.0.3", 5000);
	mudp_handle(&m, reset, sizeof(reset), (struct sockaddr *)&a, sizeof(a),
		    now, &r);
	assert_int_equal(r.verdict, MUDP_REPLY);
	assert_int_equal(r.reply[0] >> 3, P_CONTROL_HARD_RESET_SERVER_V2);
	/* P_ACK_V1 from the client: its sid, ack [0] for our sid (the cookie) */
	ack[0] = P_ACK_V1 << 3;
	memcpy(ack + 1, reset + 1, 8);
	ack[9] = 1;
	memset(ack + 10, 0, 4);
	memcpy(ack + 14, r.reply + 1, 8);
	mudp_handle(&m, ack, sizeof(ack), (struct sockaddr *)&a, sizeof(a),
		    now + 5, &r);
	assert_int_equal(r.verdict, MUDP_ACCEPT);
	assert_memory_equal(r.peer_sid, reset + 1, 8);
	mudp_handle(&m, ack, sizeof(ack), (struct sockaddr *)&b, sizeof(b),
		    now + 5, &r);
	assert_int_equal(r.verdict, MUDP_DROP);
	mudp_handle(&m, ack, sizeof(ack), (struct sockaddr *)&a, sizeof(a),
		    now + 120, &r);
	assert_int_equal(r.verdict, MUDP_DROP);
	/* hostile input: every truncation is dropped, never a crash */
	for (size_t n = 0; n < sizeof(ack); n++) {
		mudp_handle(&m, ack, n, (struct sockaddr *)&a, sizeof(a), now, &r);
		assert_int_not_equal(r.verdict, MUDP_ACCEPT);
	}
	mudp_free(&m);
}

struct v2_fixture {
	struct tlscryptv2_server_key srv;
	struct tlscryptv2_client_key ck;
	struct tlswrap_key client;       /* the client's side of Kc */
	struct mudp m;
	struct sockaddr_in a, b;
	uint32_t now;
};

static void v2_setup(struct v2_fixture *f, bool force_cookie)
{
	char err[160];

	assert_int_equal(tlscryptv2_server_parse(vec_key_v2srv,
						 strlen(vec_key_v2srv), &f->srv,
						 err, sizeof(err)), 0);
	assert_int_equal(tlscryptv2_client_parse(vec_key_v2cli,
						 strlen(vec_key_v2cli), &f->ck,
						 err, sizeof(err)), 0);
	assert_int_equal(tlscryptv2_client_wrap_key(&f->ck, &f->client), 0);
	assert_int_equal(mudp_init(&f->m, NULL, 30), 0);
	mudp_set_v2(&f->m, &f->srv, force_cookie);
	sin4(&f->a, "198.18.0.2", 5000);
	sin4(&f->b, "198.18.0.3", 5000);
	f->now = 1000000;
}

static void v2_teardown(struct v2_fixture *f)
{
	mudp_free(&f->m);
	tlswrap_key_free(&f->client);
	tlscryptv2_client_wipe(&f->ck);
	tlscryptv2_server_wipe(&f->srv);
}

/* A client packet: @p wrapped with Kc under replay id @id, WKc appended. */
static size_t v2_client_packet(struct v2_fixture *f, const struct ctlpkt *p,
			       uint32_t id, uint8_t *out, size_t cap)
{
	struct tlswrap_pid pid = { .id = id, .net_time = f->now };
	uint8_t clear[512];
	size_t clen, wlen, n;

	assert_int_equal(ctlpkt_compose_plain(clear, sizeof(clear), p, &clen), 0);
	assert_int_equal(tlswrap_wrap(&f->client, &pid, clear, clen, out, cap,
				      &wlen), 0);
	assert_int_equal(tlscryptv2_append_wkc(&f->ck, out, wlen, cap, &n), 0);
	return n;
}

/* openvpn 2.6's own reset (early negotiation) gets our cookie reset,
 * wrapped with the client's key and asking for WKc again; the client's
 * CONTROL_WKC_V1 with that cookie is accepted, from its address only. */
static void test_v2_cookie(void **state)
{
	const struct vec_pkt *reset = &vec_tlscryptv2_c2s[0];
	struct v2_fixture f;
	struct mudp_result r;
	struct ctlpkt p, w = { .head = { .opcode = P_CONTROL_WKC_V1 } };
	struct ctlpkt_early_neg en;
	struct tlswrap_pid pid;
	uint8_t clear[512], pkt[2048];
	size_t clen, n;

	(void)state;
	v2_setup(&f, true);
	assert_int_equal(opcode_of(reset->p[0]), P_CONTROL_HARD_RESET_CLIENT_V3);
	mudp_handle(&f.m, reset->p, reset->len, (struct sockaddr *)&f.a,
		    sizeof(f.a), f.now, &r);
	assert_int_equal(r.verdict, MUDP_REPLY);
	assert_null(r.why);
	assert_int_equal(tlswrap_unwrap(&f.client, r.reply, r.reply_len, clear,
					sizeof(clear), &clen, &pid), 0);
	assert_int_equal(pid.id, 1);
	assert_int_equal(ctlpkt_parse_plain(clear, clen, &p), 0);
	assert_int_equal(p.head.opcode, P_CONTROL_HARD_RESET_SERVER_V2);
	assert_int_equal(p.rel.ack.n, 1);
	assert_memory_equal(p.rel.ack.peer_sid, reset->p + 1, CTLPKT_SID_LEN);
	assert_int_equal(ctlpkt_parse_early_neg(p.rel.payload, p.rel.payload_len,
						&en), 0);
	assert_true(en.has_flags);
	assert_int_equal(en.flags, CTLPKT_EARLY_NEG_RESEND_WKC);

	/* the client's next packet: WKC_V1 ACKing our reset, the ClientHello */
	memcpy(w.head.sid, reset->p + 1, CTLPKT_SID_LEN);
	w.rel.ack.n = 1;
	memcpy(w.rel.ack.peer_sid, p.head.sid, CTLPKT_SID_LEN);
	w.rel.msg_id = 1;
	w.rel.payload = (const uint8_t *)"hello";
	w.rel.payload_len = 5;
	n = v2_client_packet(&f, &w, TLSWRAP_EARLY_NEG_START + 2, pkt,
			     sizeof(pkt));
	mudp_handle(&f.m, pkt, n, (struct sockaddr *)&f.a, sizeof(f.a),
		    f.now + 3, &r);
	assert_int_equal(r.verdict, MUDP_ACCEPT);
	assert_memory_equal(r.own_sid, p.head.sid, CTLPKT_SID_LEN);
	assert_memory_equal(r.peer_sid, reset->p + 1, CTLPKT_SID_LEN);
	mudp_handle(&f.m, pkt, n, (struct sockaddr *)&f.b, sizeof(f.b),
		    f.now + 3, &r);
	assert_int_equal(r.verdict, MUDP_DROP);
	/* the same as P_CONTROL_V1 (no WKc) cannot even be unwrapped */
	w.head.opcode = P_CONTROL_V1;
	n = v2_client_packet(&f, &w, TLSWRAP_EARLY_NEG_START + 2, pkt,
			     sizeof(pkt));
	mudp_handle(&f.m, pkt, n, (struct sockaddr *)&f.a, sizeof(f.a),
		    f.now + 3, &r);
	assert_int_equal(r.verdict, MUDP_DROP);
	v2_teardown(&f);
}

/* A client without early negotiation (2.5: replay ids from 1) cannot send
 * WKc again: it is taken at once (allow-noncookie) or refused
 * (force-cookie). */
static void test_v2_noncookie(void **state)
{
	struct v2_fixture f;
	struct mudp_result r;
	struct ctlpkt p = { .head = { .opcode = P_CONTROL_HARD_RESET_CLIENT_V3 } };
	uint8_t pkt[2048];
	size_t n;

	(void)state;
	v2_setup(&f, false);
	memset(p.head.sid, 0x5a, CTLPKT_SID_LEN);
	n = v2_client_packet(&f, &p, 1, pkt, sizeof(pkt));
	mudp_handle(&f.m, pkt, n, (struct sockaddr *)&f.a, sizeof(f.a), f.now, &r);
	assert_int_equal(r.verdict, MUDP_NEW);
	assert_memory_equal(r.peer_sid, p.head.sid, CTLPKT_SID_LEN);
	f.m.v2_force_cookie = true;
	mudp_handle(&f.m, pkt, n, (struct sockaddr *)&f.a, sizeof(f.a), f.now, &r);
	assert_int_equal(r.verdict, MUDP_DROP);
	assert_null(r.why);
	v2_teardown(&f);
}

/* A WKc that is not ours (any byte changed), a packet whose tls-crypt part
 * fails, and every truncation: dropped, and the reason says which. */
static void test_v2_hostile(void **state)
{
	const struct vec_pkt *reset = &vec_tlscryptv2_c2s[0];
	struct v2_fixture f;
	struct mudp_result r;
	uint8_t pkt[2048];

	(void)state;
	v2_setup(&f, false);
	assert_true(reset->len <= sizeof(pkt));
	memcpy(pkt, reset->p, reset->len);
	pkt[reset->len - f.ck.wkc_len + 40] ^= 1;       /* inside WKc */
	mudp_handle(&f.m, pkt, reset->len, (struct sockaddr *)&f.a, sizeof(f.a),
		    f.now, &r);
	assert_int_equal(r.verdict, MUDP_DROP);
	assert_non_null(r.why);
	assert_non_null(strstr(r.why, "cannot unwrap the client key"));
	memcpy(pkt, reset->p, reset->len);
	pkt[TLSWRAP_CRYPT_OFF_CT] ^= 1;                  /* tls-crypt part */
	mudp_handle(&f.m, pkt, reset->len, (struct sockaddr *)&f.a, sizeof(f.a),
		    f.now, &r);
	assert_int_equal(r.verdict, MUDP_DROP);
	assert_non_null(strstr(r.why, "packet authentication failed"));
	for (size_t n = 0; n < reset->len; n++) {
		mudp_handle(&f.m, reset->p, n, (struct sockaddr *)&f.a,
			    sizeof(f.a), f.now, &r);
		assert_int_equal(r.verdict, MUDP_DROP);
	}
	v2_teardown(&f);
}

/* TCP's first-packet check: a client reset, with no cookie involved;
 * anything else, a truncation, a reset with a message-id other than 0 or
 * one failing tls-crypt-v2: not. */
static void test_tcp_first(void **state)
{
	static const uint8_t reset[] = { P_CONTROL_HARD_RESET_CLIENT_V2 << 3,
		1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0 };
	const struct vec_pkt *v3 = &vec_tlscryptv2_c2s[0];
	uint8_t pkt[2048];
	struct v2_fixture f;
	struct mudp m;
	const char *why;

	(void)state;
	assert_int_equal(mudp_init(&m, NULL, 30), 0);
	assert_true(mudp_client_reset(&m, reset, sizeof(reset), &why));
	memcpy(pkt, reset, sizeof(reset));
	pkt[13] = 1;                                    /* message-id 1 */
	assert_false(mudp_client_reset(&m, pkt, sizeof(reset), &why));
	pkt[13] = 0;
	pkt[0] = P_CONTROL_V1 << 3;
	assert_false(mudp_client_reset(&m, pkt, sizeof(reset), &why));
	pkt[0] = P_CONTROL_HARD_RESET_CLIENT_V2 << 3 | 1;   /* key-id 1 */
	assert_false(mudp_client_reset(&m, pkt, sizeof(reset), &why));
	for (size_t n = 0; n < sizeof(reset); n++)
		assert_false(mudp_client_reset(&m, reset, n, &why));
	assert_null(why);
	mudp_free(&m);

	v2_setup(&f, true);
	/* force-cookie is a UDP matter: TCP takes the reset as it is */
	assert_true(mudp_client_reset(&f.m, v3->p, v3->len, &why));
	assert_false(mudp_client_reset(&f.m, reset, sizeof(reset), &why));
	memcpy(pkt, v3->p, v3->len);
	pkt[TLSWRAP_CRYPT_OFF_CT] ^= 1;
	assert_false(mudp_client_reset(&f.m, pkt, v3->len, &why));
	assert_non_null(why);
	assert_non_null(strstr(why, "packet authentication failed"));
	v2_teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_v2_cookie),
		cmocka_unit_test(test_v2_noncookie),
		cmocka_unit_test(test_v2_hostile),
		cmocka_unit_test(test_tcp_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
