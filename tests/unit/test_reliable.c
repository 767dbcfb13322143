/*
 * Reliability layer: windows, backoff, fast retransmit, ACK bookkeeping as
 * OpenVPN 2.6 writes it, and two endpoints over a simulated link that drops,
 * delays (so reorders) and duplicates, with time advanced by the test.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/reliable.h"
#include "proto/ctlpkt.h"

static const uint8_t sid_a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t sid_b[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };

static struct reliable *new_rel(const struct reliable_config *cfg)
{
	struct reliable *r = malloc(sizeof(*r));

	assert_non_null(r);
	reliable_init(r, cfg);
	return r;
}

static void free_rel(struct reliable *r)
{
	reliable_clear(r);
	free(r);
}

static void queue_ok(struct reliable *r, uint32_t want_id)
{
	uint8_t b = (uint8_t)want_id;
	uint32_t id = ~want_id;

	assert_int_equal(reliable_queue(r, P_CONTROL_V1, &b, 1, &id), 0);
	assert_int_equal(id, want_id);
}

static uint32_t send_one(struct reliable *r, uint64_t now)
{
	struct reliable_tx tx;

	assert_int_equal(reliable_next_send(r, now, &tx), 1);
	return tx.msg_id;
}

static void test_queue_errors(void **state)
{
	struct reliable *r = new_rel(NULL);
	static uint8_t big[RELIABLE_PAYLOAD_MAX + 1];

	(void)state;
	assert_int_equal(reliable_queue(r, P_ACK_V1, big, 1, NULL), -EINVAL);
	assert_int_equal(reliable_queue(r, P_DATA_V2, big, 1, NULL), -EINVAL);
	assert_int_equal(reliable_queue(r, P_CONTROL_V1, big, sizeof(big), NULL),
			 -EMSGSIZE);
	assert_int_equal(reliable_queue(r, P_CONTROL_V1, big, RELIABLE_PAYLOAD_MAX,
					NULL), 0);
	assert_int_equal(reliable_queue(r, P_CONTROL_SOFT_RESET_V1, NULL, 0, NULL), 0);
	free_rel(r);
}

/* Ids from 0; the window is 6 ids wide from the oldest unacked one. */
static void test_window_full_stops_sender(void **state)
{
	struct reliable *r = new_rel(NULL);
	uint32_t one = 1, zero = 0, id;
	uint8_t b = 0;

	(void)state;
	assert_true(reliable_send_empty(r));
	assert_int_equal(reliable_send_room(r), RELIABLE_SEND_WINDOW);
	for (id = 0; id < RELIABLE_SEND_WINDOW; id++)
		queue_ok(r, id);
	assert_int_equal(reliable_send_room(r), 0);
	assert_int_equal(reliable_queue(r, P_CONTROL_V1, &b, 1, NULL), -ENOBUFS);
	/* A later id acked frees a slot but the lost oldest one still blocks. */
	assert_int_equal(reliable_ack_received(r, &one, 1), 1);
	assert_int_equal(reliable_send_room(r), 0);
	assert_int_equal(reliable_queue(r, P_CONTROL_V1, &b, 1, NULL), -ENOBUFS);
	assert_int_equal(reliable_ack_received(r, &zero, 1), 1);
	assert_int_equal(reliable_send_room(r), 2);
	queue_ok(r, 6);
	queue_ok(r, 7);
	assert_int_equal(reliable_queue(r, P_CONTROL_V1, &b, 1, NULL), -ENOBUFS);
	assert_false(reliable_send_empty(r));
	/* Repeated and unknown ACKs change nothing. */
	assert_int_equal(reliable_ack_received(r, &zero, 1), 0);
	free_rel(r);
}

static void expect_gaps(struct reliable *r, const uint64_t *gaps, unsigned n)
{
	struct reliable_tx tx;
	uint64_t now = 0;
	unsigned i;

	assert_int_equal(reliable_next_deadline(r), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(reliable_next_send(r, now, &tx), 1);
		assert_int_equal(tx.msg_id, 0);
		assert_int_equal(tx.retransmit, i > 0);
		assert_int_equal(reliable_next_deadline(r), now + gaps[i]);
		/* Not a millisecond early. */
		assert_int_equal(reliable_next_send(r, now + gaps[i] - 1, &tx), 0);
		now += gaps[i];
	}
}

static void test_backoff_doubles(void **state)
{
	static const uint64_t gaps[] = { 2000, 4000, 8000, 16000, 32000, 64000 };
	struct reliable *r = new_rel(NULL);

	(void)state;
	queue_ok(r, 0);
	expect_gaps(r, gaps, 6);
	assert_int_equal(r->stats.sent, 6);
	assert_int_equal(r->stats.retransmits, 5);
	free_rel(r);
}

static void test_backoff_cap_and_give_up(void **state)
{
	static const uint64_t capped[] = { 500, 1000, 1500, 1500, 1500 };
	struct reliable_config cfg = { .initial_timeout_ms = 500,
				       .max_timeout_ms = 1500, .max_sends = 5 };
	struct reliable *r = new_rel(&cfg);
	struct reliable_tx tx;

	(void)state;
	queue_ok(r, 0);
	expect_gaps(r, capped, 5);
	/* Sent 5 times; when the 6th falls due the caller is told to give up. */
	assert_int_equal(reliable_next_send(r, 6000, &tx), -ETIMEDOUT);
	free_rel(r);
}

static void test_oldest_first_and_deadline(void **state)
{
	struct reliable *r = new_rel(NULL);
	struct reliable_tx tx;
	uint32_t id;

	(void)state;
	assert_int_equal(reliable_next_deadline(r), RELIABLE_NO_DEADLINE);
	for (id = 0; id < 3; id++)
		queue_ok(r, id);
	for (id = 0; id < 3; id++)
		assert_int_equal(send_one(r, 100 + id), id);
	assert_int_equal(reliable_next_send(r, 200, &tx), 0);
	assert_int_equal(reliable_next_deadline(r), 2100);
	/* All three due: oldest id first, each once. */
	for (id = 0; id < 3; id++)
		assert_int_equal(send_one(r, 5000), id);
	assert_int_equal(reliable_next_send(r, 5000, &tx), 0);
	assert_int_equal(reliable_next_deadline(r), 9000);
	free_rel(r);
}

/* Three later ids ACKed: the hole is resent before its timer (N_ACK_RETRANSMIT). */
static void test_fast_retransmit(void **state)
{
	struct reliable *r = new_rel(NULL);
	struct reliable_tx tx;
	uint32_t id, later[3] = { 1, 2, 3 };

	(void)state;
	for (id = 0; id < 4; id++)
		queue_ok(r, id);
	for (id = 0; id < 4; id++)
		send_one(r, 0);
	assert_int_equal(reliable_ack_received(r, later, 2), 2);
	assert_int_equal(reliable_next_deadline(r), 2000);
	assert_int_equal(reliable_next_send(r, 10, &tx), 0);
	assert_int_equal(reliable_ack_received(r, later + 2, 1), 1);
	assert_int_equal(reliable_next_deadline(r), 0);
	assert_int_equal(reliable_next_send(r, 10, &tx), 1);
	assert_int_equal(tx.msg_id, 0);
	assert_true(tx.retransmit);
	assert_int_equal(r->stats.fast_retransmits, 1);
	/* The early resend also doubled the timeout. */
	assert_int_equal(reliable_next_deadline(r), 10 + 4000);
	free_rel(r);
}

static void test_hold_and_burst(void **state)
{
	struct reliable_config cfg = { .hold = true };
	struct reliable *r = new_rel(&cfg);
	struct reliable_tx tx;

	(void)state;
	queue_ok(r, 0);
	assert_int_equal(reliable_next_send(r, 0, &tx), 0);
	assert_int_equal(reliable_next_deadline(r), RELIABLE_NO_DEADLINE);
	reliable_schedule_now(r, 50);
	assert_int_equal(send_one(r, 50), 0);
	assert_int_equal(send_one(r, 2050), 0);
	assert_int_equal(reliable_next_deadline(r), 6050);
	/* Burst: due now, back to the initial timeout. */
	reliable_schedule_now(r, 3000);
	assert_int_equal(reliable_next_deadline(r), 3000);
	assert_int_equal(send_one(r, 3000), 0);
	assert_int_equal(reliable_next_deadline(r), 5000);
	free_rel(r);
}

static void rx(struct reliable *r, uint32_t id, enum reliable_rx_verdict want)
{
	uint8_t b[4] = { (uint8_t)id, (uint8_t)(id >> 8), 0xee, 0xff };

	assert_int_equal(reliable_receive(r, P_CONTROL_V1, id, b, sizeof(b)), want);
}

static void expect_delivery(struct reliable *r, uint32_t first, uint32_t count)
{
	struct reliable_rx m;
	uint32_t i;

	for (i = 0; i < count; i++) {
		assert_true(reliable_peek(r, &m));
		assert_int_equal(m.msg_id, first + i);
		assert_int_equal(m.len, 4);
		assert_int_equal(m.payload[0], (uint8_t)(first + i));
		reliable_pop(r);
	}
	assert_false(reliable_peek(r, &m));
}

static void test_receive_order_dups_window(void **state)
{
	struct reliable *r = new_rel(NULL);

	(void)state;
	rx(r, 2, RELIABLE_RX_NEW);
	rx(r, 1, RELIABLE_RX_NEW);
	expect_delivery(r, 0, 0);
	rx(r, 2, RELIABLE_RX_DUP);
	rx(r, 0, RELIABLE_RX_NEW);
	/* Peek keeps the message until pop. */
	expect_delivery(r, 0, 3);
	/* Already delivered: duplicate, ACKed again. */
	rx(r, 0, RELIABLE_RX_DUP);
	/* Window is [3, 15). */
	rx(r, 15, RELIABLE_RX_BEYOND);
	rx(r, 0x80000000u, RELIABLE_RX_BEYOND);
	rx(r, 14, RELIABLE_RX_NEW);
	assert_int_equal(r->stats.received, 4);
	assert_int_equal(r->stats.duplicates, 2);
	assert_int_equal(r->stats.dropped, 2);
	/* Pending ACKs: each id once, in arrival order, beyond-window ones absent. */
	assert_int_equal(reliable_ack_pending(r), 4);
	assert_int_equal(r->ack_pending.ids[0], 2);
	assert_int_equal(r->ack_pending.ids[1], 1);
	assert_int_equal(r->ack_pending.ids[2], 0);
	assert_int_equal(r->ack_pending.ids[3], 14);
	free_rel(r);
}

/* All 12 buffers held (TLS not reading): nothing stored, nothing ACKed. */
static void test_receive_full(void **state)
{
	struct reliable *r = new_rel(NULL);
	struct ctlpkt_ack ack;
	struct reliable_rx m;
	uint32_t id;

	(void)state;
	for (id = 0; id < RELIABLE_RECV_WINDOW; id++) {
		rx(r, id, RELIABLE_RX_NEW);
		if (id % 4 == 3)
			reliable_ack_fill(r, &ack, RELIABLE_ACK_MAX, sid_b);
	}
	assert_int_equal(reliable_ack_pending(r), 0);
	rx(r, 3, RELIABLE_RX_FULL);
	assert_int_equal(reliable_ack_pending(r), 0);
	rx(r, 12, RELIABLE_RX_FULL);
	/* TLS takes message 0: a buffer is free again. */
	assert_true(reliable_peek(r, &m));
	assert_int_equal(m.msg_id, 0);
	reliable_pop(r);
	rx(r, 12, RELIABLE_RX_NEW);
	expect_delivery(r, 1, 12);
	free_rel(r);
}

static void test_receive_too_big(void **state)
{
	struct reliable *r = new_rel(NULL);
	static uint8_t big[RELIABLE_PAYLOAD_MAX + 1];

	(void)state;
	assert_int_equal(reliable_receive(r, P_CONTROL_V1, 0, big, sizeof(big)),
			 RELIABLE_RX_TOO_BIG);
	assert_int_equal(reliable_ack_pending(r), 0);
	assert_int_equal(reliable_receive(r, P_ACK_V1, 0, big, 0), RELIABLE_RX_INVALID);
	assert_int_equal(reliable_ack_pending(r), 0);
	assert_int_equal(reliable_receive(r, P_CONTROL_V1, 0, big, RELIABLE_PAYLOAD_MAX),
			 RELIABLE_RX_NEW);
	assert_string_equal(reliable_rx_verdict_str(RELIABLE_RX_INVALID),
			    "opcode without message-id");
	free_rel(r);
}

static void expect_ack(struct reliable *r, unsigned max, const uint32_t *ids, unsigned n)
{
	struct ctlpkt_ack ack;

	memset(&ack, 0xaa, sizeof(ack));
	assert_int_equal(reliable_ack_fill(r, &ack, max, sid_b), n);
	assert_int_equal(ack.n, n);
	if (n) {
		assert_memory_equal(ack.ids, ids, n * sizeof(ids[0]));
		assert_memory_equal(ack.peer_sid, sid_b, 8);
	}
}

/*
 * The records openvpn 2.6.14 wrote in tests/vectors/tlswrap-tlsauth_sha1.pkts
 * (see test_ctlpkt), one new id each time: [0] on its first P_CONTROL_V1,
 * then P_ACK_V1 [1 0], P_CONTROL_V1 [2 1 0] twice, P_ACK_V1 [3 2 1 0],
 * [4 3 2 1 0], [5 4 3 2 1 0].
 */
static void test_ack_records_as_openvpn(void **state)
{
	static const uint32_t want[] = { 5, 4, 3, 2, 1, 0 };
	struct reliable *r = new_rel(NULL);

	(void)state;
	assert_int_equal(reliable_ack_overhead(r, RELIABLE_ACK_PIGGYBACK), 1);
	expect_ack(r, RELIABLE_ACK_PIGGYBACK, NULL, 0);
	rx(r, 0, RELIABLE_RX_NEW);
	assert_int_equal(reliable_ack_overhead(r, RELIABLE_ACK_PIGGYBACK), 1 + 4 + 8);
	expect_ack(r, RELIABLE_ACK_PIGGYBACK, want + 5, 1);
	rx(r, 1, RELIABLE_RX_NEW);
	expect_ack(r, RELIABLE_ACK_MAX, want + 4, 2);
	rx(r, 2, RELIABLE_RX_NEW);
	expect_ack(r, RELIABLE_ACK_PIGGYBACK, want + 3, 3);
	/* A control packet with nothing new pending repeats the MRU ids. */
	expect_ack(r, RELIABLE_ACK_PIGGYBACK, want + 3, 3);
	rx(r, 3, RELIABLE_RX_NEW);
	expect_ack(r, RELIABLE_ACK_MAX, want + 2, 4);
	rx(r, 4, RELIABLE_RX_NEW);
	expect_ack(r, RELIABLE_ACK_MAX, want + 1, 5);
	rx(r, 5, RELIABLE_RX_NEW);
	assert_int_equal(reliable_ack_overhead(r, RELIABLE_ACK_PIGGYBACK), 1 + 16 + 8);
	assert_int_equal(reliable_ack_overhead(r, RELIABLE_ACK_MAX), 1 + 24 + 8);
	expect_ack(r, RELIABLE_ACK_MAX, want, 6);
	assert_int_equal(reliable_ack_pending(r), 0);
	/* Nothing pending: spare slots still repeat the newest ids. */
	expect_ack(r, RELIABLE_ACK_PIGGYBACK, want, 4);
	/* Several pending at once keep their arrival order at the front
	 * (copy_acks_to_mru walks them backwards). */
	rx(r, 6, RELIABLE_RX_NEW);
	rx(r, 7, RELIABLE_RX_NEW);
	rx(r, 8, RELIABLE_RX_NEW);
	expect_ack(r, RELIABLE_ACK_MAX, (const uint32_t[]){ 6, 7, 8, 5, 4, 3, 2, 1 }, 8);
	free_rel(r);
}

static void test_ack_limits(void **state)
{
	static const uint32_t first4[] = { 0, 1, 2, 3 };
	static const uint32_t next4[] = { 4, 5, 6, 7 };
	struct reliable *r = new_rel(NULL);
	uint32_t id;

	(void)state;
	for (id = 0; id < 9; id++)
		rx(r, id, RELIABLE_RX_NEW);
	/* Only 8 fit the list; the 9th is left for the peer to resend. */
	assert_int_equal(reliable_ack_pending(r), RELIABLE_ACK_MAX);
	assert_int_equal(r->stats.ack_overflow, 1);
	/* Pending ids first, in arrival order, capped at the piggy-back limit. */
	expect_ack(r, RELIABLE_ACK_PIGGYBACK, first4, 4);
	assert_int_equal(reliable_ack_pending(r), 4);
	expect_ack(r, RELIABLE_ACK_PIGGYBACK, next4, 4);
	assert_int_equal(reliable_ack_pending(r), 0);
	/* The peer resends 8; now it is ACKed. A bogus max is clamped to 8. */
	rx(r, 8, RELIABLE_RX_DUP);
	expect_ack(r, 200, (const uint32_t[]){ 8, 4, 5, 6, 7, 0, 1, 2 }, 8);
	free_rel(r);
}

/* Message-ids compare modulo 2^32 on both sides. */
static void test_id_wraparound(void **state)
{
	struct reliable *s = new_rel(NULL), *r = new_rel(NULL);
	uint32_t base = 0xfffffffdu, ids[4], i;

	(void)state;
	assert_int_equal(reliable_set_next_send(s, base), 0);
	for (i = 0; i < 6; i++)
		queue_ok(s, base + i);
	assert_int_equal(reliable_send_room(s), 0);
	assert_int_equal(reliable_set_next_send(s, 0), -EBUSY);
	for (i = 0; i < 6; i++)
		assert_int_equal(send_one(s, 0), base + i);
	ids[0] = base;
	assert_int_equal(reliable_ack_received(s, ids, 1), 1);
	assert_int_equal(reliable_send_room(s), 1);

	assert_int_equal(reliable_set_next_recv(r, base), 0);
	rx(r, 1, RELIABLE_RX_NEW);
	rx(r, 0xffffffffu, RELIABLE_RX_NEW);
	rx(r, base, RELIABLE_RX_NEW);
	rx(r, 0, RELIABLE_RX_NEW);
	rx(r, base - 1, RELIABLE_RX_DUP);
	assert_int_equal(reliable_set_next_recv(r, 0), -EBUSY);
	rx(r, base + 1, RELIABLE_RX_NEW);
	expect_delivery(r, base, 5);
	assert_int_equal(reliable_set_next_recv(r, 7), 0);
	free_rel(s);
	free_rel(r);
}

static size_t compose_tx(struct reliable *r, const struct reliable_tx *tx,
			 const uint8_t *own, const uint8_t *peer, uint8_t *wire,
			 size_t cap)
{
	struct ctlpkt pkt = { .head = { .opcode = tx->opcode } };
	size_t n;

	memcpy(pkt.head.sid, own, 8);
	reliable_ack_fill(r, &pkt.rel.ack, RELIABLE_ACK_PIGGYBACK, peer);
	pkt.rel.msg_id = tx->msg_id;
	pkt.rel.payload = tx->payload;
	pkt.rel.payload_len = tx->len;
	assert_int_equal(ctlpkt_compose_plain(wire, cap, &pkt, &n), 0);
	return n;
}

/*
 * PROTOCOL.md 2.4 against a 2.6 UDP server that answers statelessly: the
 * client's packet after the server reset must ACK the server's id 0, and the
 * server, creating its state only then, continues at ids 1.
 */
static void test_udp_start_against_26_server(void **state)
{
	static const uint8_t hello[] = { 0x16, 0x03, 0x01 };
	struct reliable *c = new_rel(NULL), *s = new_rel(NULL);
	struct reliable_tx tx;
	struct reliable_rx m;
	struct ctlpkt in, srv = { .head = { .opcode = P_CONTROL_HARD_RESET_SERVER_V2 } };
	uint8_t wire[128];
	size_t n;

	(void)state;
	assert_int_equal(reliable_queue(c, P_CONTROL_HARD_RESET_CLIENT_V2, NULL, 0, NULL), 0);
	assert_int_equal(reliable_next_send(c, 0, &tx), 1);
	n = compose_tx(c, &tx, sid_a, sid_b, wire, sizeof(wire));
	assert_int_equal(n, 14);

	/* The server's stateless reply, written without a reliable instance. */
	memcpy(srv.head.sid, sid_b, 8);
	srv.rel.ack.n = 1;
	memcpy(srv.rel.ack.peer_sid, sid_a, 8);
	assert_int_equal(ctlpkt_compose_plain(wire, sizeof(wire), &srv, &n), 0);

	assert_int_equal(ctlpkt_parse_plain(wire, n, &in), 0);
	assert_true(ctlpkt_ack_matches(&in.rel.ack, sid_a));
	assert_int_equal(reliable_ack_received(c, in.rel.ack.ids, in.rel.ack.n), 1);
	assert_true(reliable_send_empty(c)); /* S_PRE_START -> S_START */
	assert_int_equal(reliable_receive(c, in.head.opcode, in.rel.msg_id,
					  in.rel.payload, in.rel.payload_len),
			 RELIABLE_RX_NEW);
	reliable_schedule_now(c, 100);
	assert_true(reliable_peek(c, &m));
	assert_int_equal(m.opcode, P_CONTROL_HARD_RESET_SERVER_V2);
	reliable_pop(c);

	/* ClientHello: message-id 1, carrying ACK 0 for the server's session. */
	assert_int_equal(reliable_queue(c, P_CONTROL_V1, hello, sizeof(hello), NULL), 0);
	assert_int_equal(reliable_next_send(c, 100, &tx), 1);
	n = compose_tx(c, &tx, sid_a, sid_b, wire, sizeof(wire));
	assert_int_equal(ctlpkt_parse_plain(wire, n, &in), 0);
	assert_int_equal(in.rel.msg_id, 1);
	assert_int_equal(in.rel.ack.n, 1);
	assert_int_equal(in.rel.ack.ids[0], 0);
	assert_true(ctlpkt_ack_matches(&in.rel.ack, sid_b));

	/* The server creates its state now; both its directions start at 1. */
	assert_int_equal(reliable_set_next_send(s, 1), 0);
	assert_int_equal(reliable_set_next_recv(s, 1), 0);
	assert_int_equal(reliable_ack_received(s, in.rel.ack.ids, in.rel.ack.n), 0);
	assert_int_equal(reliable_receive(s, in.head.opcode, in.rel.msg_id,
					  in.rel.payload, in.rel.payload_len),
			 RELIABLE_RX_NEW);
	assert_true(reliable_peek(s, &m));
	assert_int_equal(m.msg_id, 1);
	assert_int_equal(m.len, sizeof(hello));
	assert_memory_equal(m.payload, hello, sizeof(hello));
	free_rel(c);
	free_rel(s);
}

/* ------------------------------------------------------ simulated link */

#define SIM_MSGS 1000u
#define SIM_LINK_MAX 2048u
#define SIM_PKT_MAX (RELIABLE_PAYLOAD_MAX + 64u)
#define SIM_TIME_LIMIT_MS (3600u * 1000u)

struct sim_pkt {
	uint64_t at;
	size_t len;
	uint8_t data[SIM_PKT_MAX];
};

struct sim_link {
	struct sim_pkt q[SIM_LINK_MAX];
	unsigned n;
};

struct sim_end {
	struct reliable rel;
	const uint8_t *sid, *peer_sid;
	uint32_t next_msg;          /* next application message to queue */
	uint32_t delivered;         /* messages delivered, in order */
	uint64_t ack_only;          /* P_ACK_V1 packets sent */
	uint64_t piggybacked;       /* control packets carrying ACKs */
};

struct sim {
	struct sim_end end[2];
	struct sim_link link[2];    /* link[i]: from end i to end 1-i */
	uint64_t now, rng;
	unsigned loss_pct, dup_pct;
	unsigned jitter_ms;         /* delay is 5 + [0, jitter] ms */
	uint32_t msgs[2];           /* messages end i sends */
	uint64_t lost, duplicated;
};

static uint32_t sim_rand(struct sim *s)
{
	/* xorshift64*: deterministic, seeded by the test. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (uint32_t)((s->rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static void link_put(struct sim *s, unsigned dir, const uint8_t *p, size_t len)
{
	struct sim_link *l = &s->link[dir];
	struct sim_pkt *k;

	assert_true(l->n < SIM_LINK_MAX);
	k = &l->q[l->n++];
	/* Random delay: with jitter, packets overtake each other. */
	k->at = s->now + 5 + sim_rand(s) % (s->jitter_ms + 1);
	k->len = len;
	memcpy(k->data, p, len);
}

static void link_send(struct sim *s, unsigned dir, const uint8_t *p, size_t len)
{
	if (sim_rand(s) % 100 < s->loss_pct) {
		s->lost++;
		return;
	}
	link_put(s, dir, p, len);
	if (sim_rand(s) % 100 < s->dup_pct) {
		s->duplicated++;
		link_put(s, dir, p, len);
	}
}

/* Message @seq: its number, then a pattern; 1..300 bytes long. */
static size_t make_msg(uint32_t seq, uint8_t *out)
{
	size_t i, len = 4 + seq % 297;

	out[0] = (uint8_t)(seq >> 24);
	out[1] = (uint8_t)(seq >> 16);
	out[2] = (uint8_t)(seq >> 8);
	out[3] = (uint8_t)seq;
	for (i = 4; i < len; i++)
		out[i] = (uint8_t)(seq * 7 + i);
	return len;
}

static void end_fill_window(struct sim_end *e, uint32_t total)
{
	uint8_t msg[300];
	size_t len;

	while (e->next_msg < total && reliable_send_room(&e->rel)) {
		len = make_msg(e->next_msg, msg);
		assert_int_equal(reliable_queue(&e->rel, P_CONTROL_V1, msg, len, NULL), 0);
		e->next_msg++;
	}
}

/* One packet out, as one pass of OpenVPN's tls_process: a due reliable packet
 * with piggy-backed ACKs, else a P_ACK_V1 if ACKs wait. False if idle. */
static bool end_output_one(struct sim *s, unsigned i)
{
	struct sim_end *e = &s->end[i];
	struct reliable_tx tx;
	struct ctlpkt pkt = { .head = { .key_id = 0 } };
	uint8_t wire[SIM_PKT_MAX];
	size_t n;
	int rc;

	end_fill_window(e, s->msgs[i]);
	memcpy(pkt.head.sid, e->sid, 8);
	rc = reliable_next_send(&e->rel, s->now, &tx);
	assert_true(rc >= 0);
	if (rc) {
		pkt.head.opcode = tx.opcode;
		reliable_ack_fill(&e->rel, &pkt.rel.ack, RELIABLE_ACK_PIGGYBACK, e->peer_sid);
		e->piggybacked += pkt.rel.ack.n > 0;
		pkt.rel.msg_id = tx.msg_id;
		pkt.rel.payload = tx.payload;
		pkt.rel.payload_len = tx.len;
	} else if (reliable_ack_pending(&e->rel)) {
		pkt.head.opcode = P_ACK_V1;
		reliable_ack_fill(&e->rel, &pkt.rel.ack, RELIABLE_ACK_MAX, e->peer_sid);
		e->ack_only++;
	} else {
		return false;
	}
	assert_int_equal(ctlpkt_compose_plain(wire, sizeof(wire), &pkt, &n), 0);
	link_send(s, i, wire, n);
	return true;
}

static void end_deliver(struct sim_end *e)
{
	struct reliable_rx m;
	uint8_t want[300];
	size_t len;

	while (reliable_peek(&e->rel, &m)) {
		len = make_msg(e->delivered, want);
		assert_int_equal(m.msg_id, e->delivered);
		assert_int_equal(m.len, len);
		assert_memory_equal(m.payload, want, len);
		e->delivered++;
		reliable_pop(&e->rel);
	}
}

static void end_input(struct sim_end *e, const uint8_t *p, size_t len)
{
	struct ctlpkt pkt;

	assert_int_equal(ctlpkt_parse_plain(p, len, &pkt), 0);
	assert_memory_equal(pkt.head.sid, e->peer_sid, 8);
	assert_true(ctlpkt_ack_matches(&pkt.rel.ack, e->sid));
	reliable_ack_received(&e->rel, pkt.rel.ack.ids, pkt.rel.ack.n);
	if (pkt.head.opcode != P_ACK_V1)
		(void)reliable_receive(&e->rel, pkt.head.opcode, pkt.rel.msg_id,
				       pkt.rel.payload, pkt.rel.payload_len);
	end_deliver(e);
}

/* Deliver every packet due by now; arrival order within a tick is queue order. */
static void link_deliver(struct sim *s, unsigned dir)
{
	struct sim_link *l = &s->link[dir];
	unsigned k = 0;

	while (k < l->n) {
		if (l->q[k].at > s->now) {
			k++;
			continue;
		}
		end_input(&s->end[1 - dir], l->q[k].data, l->q[k].len);
		l->q[k] = l->q[--l->n];
	}
}

static uint64_t sim_next_event(const struct sim *s)
{
	uint64_t t = RELIABLE_NO_DEADLINE, d;
	unsigned i, k;

	for (i = 0; i < 2; i++) {
		d = reliable_next_deadline(&s->end[i].rel);
		if (d < t)
			t = d;
		for (k = 0; k < s->link[i].n; k++)
			if (s->link[i].q[k].at < t)
				t = s->link[i].q[k].at;
	}
	return t;
}

static bool sim_done(const struct sim *s)
{
	unsigned i;

	for (i = 0; i < 2; i++)
		if (s->end[i].delivered < s->msgs[1 - i] ||
		    !reliable_send_empty(&s->end[i].rel))
			return false;
	return true;
}

static void sim_run(struct sim *s)
{
	struct reliable_config cfg = { .max_sends = 16 };
	uint64_t t;
	unsigned i;

	s->end[0].sid = s->end[1].peer_sid = sid_a;
	s->end[1].sid = s->end[0].peer_sid = sid_b;
	for (i = 0; i < 2; i++)
		reliable_init(&s->end[i].rel, &cfg);
	while (!sim_done(s)) {
		for (i = 0; i < 2; i++)
			while (end_output_one(s, i))
				;
		t = sim_next_event(s);
		assert_true(t != RELIABLE_NO_DEADLINE); /* never deadlocks */
		if (t > s->now)
			s->now = t;
		assert_true(s->now < SIM_TIME_LIMIT_MS);
		for (i = 0; i < 2; i++)
			link_deliver(s, i);
	}
}

static void sim_print(const struct sim *s, uint64_t seed)
{
	print_message("seed %llu loss %u%% dup %u%% jitter %u ms: %llu s simulated, "
		      "lost %llu, dup %llu, retransmits %llu/%llu (fast %llu/%llu), "
		      "P_ACK_V1 %llu/%llu\n",
		      (unsigned long long)seed, s->loss_pct, s->dup_pct, s->jitter_ms,
		      (unsigned long long)(s->now / 1000),
		      (unsigned long long)s->lost, (unsigned long long)s->duplicated,
		      (unsigned long long)s->end[0].rel.stats.retransmits,
		      (unsigned long long)s->end[1].rel.stats.retransmits,
		      (unsigned long long)s->end[0].rel.stats.fast_retransmits,
		      (unsigned long long)s->end[1].rel.stats.fast_retransmits,
		      (unsigned long long)s->end[0].ack_only,
		      (unsigned long long)s->end[1].ack_only);
}

/* What every run must show: exactly once, in order, bounded resends. */
static void sim_check(const struct sim *s)
{
	unsigned i;

	for (i = 0; i < 2; i++) {
		const struct sim_end *e = &s->end[i];
		const struct reliable_stats *st = &e->rel.stats;

		/* end_deliver checked content and order of each message. */
		assert_int_equal(e->delivered, s->msgs[1 - i]);
		assert_int_equal(st->received, s->msgs[1 - i]);
		assert_int_equal(st->acked, s->msgs[i]);
		/* Bounded: at most two resends per message on average. */
		assert_true(st->retransmits <= 2 * s->msgs[i]);
	}
}

static struct sim *sim_new(uint64_t seed, unsigned loss, unsigned dup,
			   unsigned jitter)
{
	struct sim *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->rng = seed;
	s->loss_pct = loss;
	s->dup_pct = dup;
	s->jitter_ms = jitter;
	s->msgs[0] = s->msgs[1] = SIM_MSGS;
	return s;
}

static void sim_free(struct sim *s)
{
	reliable_clear(&s->end[0].rel);
	reliable_clear(&s->end[1].rel);
	free(s);
}

/* Lossy, reordering, duplicating, both directions busy. */
static void run_seeded(uint64_t seed, unsigned loss, unsigned dup)
{
	struct sim *s = sim_new(seed, loss, dup, 90);
	unsigned i;

	sim_run(s);
	sim_print(s, seed);
	sim_check(s);
	assert_true(s->lost > 0);
	assert_true(s->duplicated > 0);
	for (i = 0; i < 2; i++) {
		assert_true(s->end[i].rel.stats.duplicates > 0);
		assert_true(s->end[i].rel.stats.retransmits > 0);
		assert_true(s->end[i].ack_only > 0);
		assert_true(s->end[i].piggybacked > 0);
	}
	sim_free(s);
}

static void test_lossy_link_20(void **state)
{
	(void)state;
	run_seeded(0x9e3779b97f4a7c15ull, 20, 10);
}

static void test_lossy_link_30(void **state)
{
	(void)state;
	run_seeded(0x0123456789abcdefull, 30, 15);
	run_seeded(42, 25, 10);
}

/* A clean in-order link: nothing is ever sent twice. */
static void test_clean_link_no_resend(void **state)
{
	struct sim *s = sim_new(7, 0, 0, 0);

	(void)state;
	sim_run(s);
	sim_check(s);
	assert_int_equal(s->end[0].rel.stats.retransmits, 0);
	assert_int_equal(s->end[1].rel.stats.retransmits, 0);
	assert_int_equal(s->end[0].rel.stats.duplicates, 0);
	sim_free(s);
}

/* One talker: the listener only ever answers with P_ACK_V1. */
static void test_lossy_one_way(void **state)
{
	struct sim *s = sim_new(1234, 25, 10, 90);

	(void)state;
	s->msgs[1] = 0;
	sim_run(s);
	sim_print(s, 1234);
	sim_check(s);
	assert_int_equal(s->end[1].piggybacked, 0);
	assert_true(s->end[1].ack_only > 0);
	assert_true(s->end[0].rel.stats.retransmits > 0);
	sim_free(s);
}

/* One side only talks: the other answers with P_ACK_V1 alone. */
static void test_ack_only_packet(void **state)
{
	struct reliable *a = new_rel(NULL), *b = new_rel(NULL);
	struct reliable_tx tx;
	struct ctlpkt pkt = { .head = { .opcode = P_ACK_V1 } }, in;
	uint8_t wire[64];
	size_t n;

	(void)state;
	queue_ok(a, 0);
	assert_int_equal(reliable_next_send(a, 0, &tx), 1);
	assert_int_equal(reliable_receive(b, tx.opcode, tx.msg_id, tx.payload, tx.len),
			 RELIABLE_RX_NEW);
	memcpy(pkt.head.sid, sid_b, 8);
	assert_int_equal(reliable_ack_fill(b, &pkt.rel.ack, RELIABLE_ACK_MAX, sid_a), 1);
	assert_int_equal(ctlpkt_compose_plain(wire, sizeof(wire), &pkt, &n), 0);
	assert_int_equal(n, 9 + 1 + 4 + 8);
	assert_int_equal(ctlpkt_parse_plain(wire, n, &in), 0);
	assert_true(ctlpkt_ack_matches(&in.rel.ack, sid_a));
	assert_int_equal(reliable_ack_received(a, in.rel.ack.ids, in.rel.ack.n), 1);
	assert_true(reliable_send_empty(a));
	assert_int_equal(reliable_next_deadline(a), RELIABLE_NO_DEADLINE);
	free_rel(a);
	free_rel(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_errors),
		cmocka_unit_test(test_window_full_stops_sender),
		cmocka_unit_test(test_backoff_doubles),
		cmocka_unit_test(test_backoff_cap_and_give_up),
		cmocka_unit_test(test_oldest_first_and_deadline),
		cmocka_unit_test(test_fast_retransmit),
		cmocka_unit_test(test_hold_and_burst),
		cmocka_unit_test(test_receive_order_dups_window),
		cmocka_unit_test(test_receive_full),
		cmocka_unit_test(test_receive_too_big),
		cmocka_unit_test(test_ack_records_as_openvpn),
		cmocka_unit_test(test_ack_limits),
		cmocka_unit_test(test_id_wraparound),
		cmocka_unit_test(test_ack_only_packet),
		cmocka_unit_test(test_udp_start_against_26_server),
		cmocka_unit_test(test_lossy_link_20),
		cmocka_unit_test(test_lossy_link_30),
		cmocka_unit_test(test_clean_link_no_resend),
		cmocka_unit_test(test_lossy_one_way),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
