/*
 * The client control channel processor against a scripted 2.6 server: the
 * exact first packet, the HMAC-cookie rule (the packet after the server's
 * stateless reset ACKs it with the server's session id and carries the
 * ClientHello), retransmission with backoff, forged ACKs, hand-window.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/session.h"
#include "ctl/tls.h"
#include "proto/ctlpkt.h"

#define MAX_SENT 16

struct wire {
	unsigned n;
	size_t len[MAX_SENT];
	uint8_t pkt[MAX_SENT][SESSION_PKT_MAX];
};

static int fake_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct wire *w = ctx;

	assert_true(w->n < MAX_SENT);
	assert_true(len <= SESSION_PKT_MAX);
	memcpy(w->pkt[w->n], pkt, len);
	w->len[w->n++] = len;
	return 0;
}

struct fixture {
	struct tls_ctx *tls;
	struct wire wire;
	struct session s;
};

static const uint8_t server_sid[8] = { 0xc0, 0x0c, 0x1e, 5, 6, 7, 8, 9 };

static int setup(void **state)
{
	static const uint8_t fpr[1][TLS_FPR_LEN] = { { 1, 2, 3 } };
	struct tls_config tc = {
		.role = TLS_ROLE_CLIENT,
		.peer_fingerprints = fpr,
		.n_peer_fingerprints = 1,
	};
	struct session_config sc = {
		.options_string = "V4,dev-type tun,key-method 2,tls-client",
		.peer_info = "IV_VER=2.6.14\n",
	};
	struct session_ops ops = { .send = fake_send };
	struct fixture *f = calloc(1, sizeof(*f));
	char err[TLS_ERR_LEN];

	assert_non_null(f);
	assert_int_equal(tls_ctx_new(&f->tls, &tc, err, sizeof(err)), 0);
	sc.tls = f->tls;
	assert_int_equal(session_init(&f->s, &sc, &ops, &f->wire, 1000), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	session_free(&f->s);
	tls_ctx_free(f->tls);
	free(f);
	return 0;
}

static void parse_sent(struct fixture *f, unsigned i, struct ctlpkt *p)
{
	assert_true(i < f->wire.n);
	assert_int_equal(ctlpkt_parse_plain(f->wire.pkt[i], f->wire.len[i], p), 0);
}

/* The 2.6 server's stateless reply (tls_reset_standalone), ACKing @acked. */
static size_t server_reset(uint8_t *buf, const uint8_t acked_sid[8])
{
	struct ctlpkt p = {
		.head = { .opcode = P_CONTROL_HARD_RESET_SERVER_V2, .key_id = 0 },
		.rel = { .ack = { .n = 1, .ids = { 0 } }, .msg_id = 0 },
	};
	size_t len;

	memcpy(p.head.sid, server_sid, 8);
	memcpy(p.rel.ack.peer_sid, acked_sid, 8);
	assert_int_equal(ctlpkt_compose_plain(buf, SESSION_PKT_MAX, &p, &len), 0);
	return len;
}

static void test_first_packet(void **state)
{
	struct fixture *f = *state;
	struct ctlpkt p;

	assert_int_equal(f->wire.n, 1);
	/* 38 | sid (8) | 00 | 00000000: exactly 14 bytes without wrapping. */
	assert_int_equal(f->wire.len[0], 14);
	assert_int_equal(f->wire.pkt[0][0], 0x38);
	parse_sent(f, 0, &p);
	assert_memory_equal(p.head.sid, f->s.own_sid, 8);
	assert_int_equal(p.rel.ack.n, 0);
	assert_int_equal(p.rel.msg_id, 0);
	assert_int_equal(p.rel.payload_len, 0);
}

static void test_cookie_ack_and_client_hello(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[SESSION_PKT_MAX];
	size_t len = server_reset(buf, f->s.own_sid);
	struct ctlpkt p;

	assert_int_equal(session_recv(&f->s, buf, len, 1100), 0);
	assert_int_equal(f->wire.n, 2);
	parse_sent(f, 1, &p);
	assert_int_equal(p.head.opcode, P_CONTROL_V1);
	assert_int_equal(p.head.key_id, 0);
	/* The ACK of the server's reset, naming the cookie session id. */
	assert_true(p.rel.ack.n >= 1);
	assert_int_equal(p.rel.ack.ids[0], 0);
	assert_memory_equal(p.rel.ack.peer_sid, server_sid, 8);
	assert_int_equal(p.rel.msg_id, 1);
	/* ... together with the ClientHello: a TLS handshake record. */
	assert_true(p.rel.payload_len > 5);
	assert_int_equal(p.rel.payload[0], 0x16);
	assert_int_equal(p.rel.payload[5], 0x01);
}

static void test_forged_ack_ignored(void **state)
{
	struct fixture *f = *state;
	static const uint8_t other[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	uint8_t buf[SESSION_PKT_MAX];
	size_t len = server_reset(buf, other);

	assert_int_equal(session_recv(&f->s, buf, len, 1100), 0);
	assert_int_equal(f->wire.n, 1);
	assert_false(f->s.have_peer_sid);
	/* The genuine reset still works afterwards. */
	len = server_reset(buf, f->s.own_sid);
	assert_int_equal(session_recv(&f->s, buf, len, 1200), 0);
	assert_int_equal(f->wire.n, 2);
}

static void test_garbage_ignored(void **state)
{
	struct fixture *f = *state;
	uint8_t junk[64] = { 0x40 };

	assert_int_equal(session_recv(&f->s, junk, 5, 1100), 0);
	assert_int_equal(session_recv(&f->s, junk, sizeof(junk), 1100), 0);
	junk[0] = 0x38; /* client reset to a client */
	assert_int_equal(session_recv(&f->s, junk, sizeof(junk), 1100), 0);
	assert_int_equal(session_recv(&f->s, junk, 0, 1100), 0);
	assert_int_equal(f->wire.n, 1);
	assert_false(f->s.failed);
}

static void test_retransmit_backoff(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(session_next_deadline(&f->s), 3000);
	assert_int_equal(session_tick(&f->s, 2999), 0);
	assert_int_equal(f->wire.n, 1);
	assert_int_equal(session_tick(&f->s, 3000), 0);
	assert_int_equal(f->wire.n, 2);
	assert_memory_equal(f->wire.pkt[1], f->wire.pkt[0], 14);
	/* Then 4 s, then 8 s. */
	assert_int_equal(session_tick(&f->s, 6999), 0);
	assert_int_equal(f->wire.n, 2);
	assert_int_equal(session_tick(&f->s, 7000), 0);
	assert_int_equal(f->wire.n, 3);
	assert_int_equal(session_next_deadline(&f->s), 15000);
}

static void test_hand_window(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(session_tick(&f->s, 60999), 0);
	assert_int_equal(session_tick(&f->s, 61000), -ETIMEDOUT);
	assert_true(f->s.failed);
	assert_int_equal(session_recv(&f->s, f->wire.pkt[0], 14, 61001), -EPROTO);
}

static void test_no_message_before_active(void **state)
{
	struct fixture *f = *state;

	assert_false(session_active(&f->s));
	assert_int_equal(session_send_message(&f->s, "PUSH_REQUEST", 1100), -EAGAIN);
	assert_int_equal(session_set_data(&f->s, NULL, 0, DCO_CIPHER_AES_256_GCM,
					  true, false, 1100), -EAGAIN);
}

/* Hostile input: random bytes and mutated server resets never crash, never
 * make the session send to a forged session, never fail it. */
static void test_hostile_input(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[SESSION_PKT_MAX];
	unsigned seed = 12345;

	for (unsigned i = 0; i < 20000; i++) {
		size_t len = server_reset(buf, f->s.own_sid);

		seed = seed * 1103515245u + 12345u;
		if (i % 2) {
			/* Random garbage of random length. */
			len = (seed >> 8) % sizeof(buf);
			for (size_t j = 0; j < len; j++) {
				seed = seed * 1103515245u + 12345u;
				buf[j] = (uint8_t)(seed >> 16);
			}
		} else {
			/* A valid reset with a few bytes flipped, maybe cut. */
			for (unsigned k = 0; k < 3; k++) {
				seed = seed * 1103515245u + 12345u;
				buf[(seed >> 8) % len] ^= (uint8_t)(seed >> 16 | 1);
			}
			len = (seed >> 4) % (len + 1);
		}
		session_recv(&f->s, buf, len, 1100);
		if (f->s.have_peer_sid)
			break;
	}
	/* Whatever got through must still be a well-formed session. */
	assert_true(f->wire.n <= MAX_SENT);
	session_tick(&f->s, 1200);
}

/*
 * After a swap the lame duck sits in the SECONDARY slot with its
 * send_after_ms long past: it waits for nothing, so it must not make the
 * next deadline "now" (that spun the control thread until the next
 * renegotiation). Only the newest key, waiting to take over, does.
 */
static void test_lame_duck_no_deadline(void **state)
{
	struct fixture *f = *state;
	struct reliable_config rc = { 0 };
	struct keystate *ks[2];
	uint64_t now = 100000;

	for (unsigned i = 0; i < 2; i++) {
		ks[i] = calloc(1, sizeof(*ks[i]));
		assert_non_null(ks[i]);
		ks[i]->rel = malloc(sizeof(*ks[i]->rel));
		assert_non_null(ks[i]->rel);
		reliable_init(ks[i]->rel, &rc);
		ks[i]->state = KS_ACTIVE;
		ks[i]->keys_generated = true;
		ks[i]->key_id = (uint8_t)(2 - i);
	}
	/* ks[0] (key-id 2) is primary now; ks[1] the lame duck */
	ks[0]->dco = KS_DCO_PRIMARY;
	ks[0]->send_after_ms = now - 1000;
	ks[1]->dco = KS_DCO_SECONDARY;
	ks[1]->send_after_ms = now - 9000;
	ks[1]->must_die_ms = now + 3600000;
	session_free(&f->s);
	f->s.ks[0] = ks[0];
	f->s.ks[1] = ks[1];
	assert_true(session_next_deadline(&f->s) > now);
	/* the newest key waiting in SECONDARY does set the deadline */
	ks[0]->dco = KS_DCO_SECONDARY;
	ks[0]->send_after_ms = now + 500;
	ks[1]->dco = KS_DCO_PRIMARY;
	assert_int_equal(session_next_deadline(&f->s), now + 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_packet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_ack_and_client_hello,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_ack_ignored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_garbage_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmit_backoff, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hand_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_message_before_active,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lame_duck_no_deadline, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
