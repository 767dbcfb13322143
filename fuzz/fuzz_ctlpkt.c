/*
 * libFuzzer target for the control-packet parsers (proto/ctlpkt). Besides
 * "never crash", it checks that whatever parses composes back to the same
 * bytes, and that the early-negotiation TLV parser is total.
 * A parsed packet is also fed to a reliable instance (hostile ids and ACK
 * records from the wire), and the bytes are replayed as a script of
 * reliable-layer operations checking its invariants (in-order delivery,
 * window and ACK-list bounds).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/reliable.h"
#include "proto/ctlpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[4096];

static void check_plain(const uint8_t *data, size_t size)
{
	struct ctlpkt pkt;
	size_t n;

	if (ctlpkt_parse_plain(data, size, &pkt))
		return;
	if (pkt.rel.payload < data || pkt.rel.payload + pkt.rel.payload_len != data + size)
		abort();
	if (pkt.head.opcode == P_ACK_V1 && pkt.rel.payload_len)
		return; /* trailing bytes are reported, never composed */
	if (size > sizeof(out) || ctlpkt_compose_plain(out, sizeof(out), &pkt, &n))
		abort();
	if (n != size || memcmp(out, data, size))
		abort();
}

static void check_reliable(const uint8_t *data, size_t size)
{
	static const enum opcode ops[] = { P_CONTROL_V1, P_ACK_V1,
					   P_CONTROL_HARD_RESET_SERVER_V2 };
	struct ctlpkt_reliable rel;
	struct ctlpkt_early_neg en;
	unsigned i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ctlpkt_parse_reliable(data, size, ops[i], &rel))
			continue;
		if (rel.ack.n > CTLPKT_ACK_MAX || rel.payload_len > size)
			abort();
		(void)ctlpkt_parse_early_neg(rel.payload, rel.payload_len, &en);
	}
	(void)ctlpkt_parse_early_neg(data, size, &en);
}

/* Feed the packet to a reliable instance that already has traffic queued. */
static void check_reliable_layer(const uint8_t *data, size_t size)
{
	static struct reliable r;
	struct ctlpkt pkt;
	struct reliable_tx tx;
	struct reliable_rx rx;
	unsigned i;

	if (ctlpkt_parse_plain(data, size, &pkt))
		return;
	reliable_init(&r, NULL);
	for (i = 0; i < 4; i++)
		(void)reliable_queue(&r, P_CONTROL_V1, data, size % 64, NULL);
	while (reliable_next_send(&r, 0, &tx) > 0)
		;
	reliable_ack_received(&r, pkt.rel.ack.ids, pkt.rel.ack.n);
	if (pkt.head.opcode != P_ACK_V1)
		(void)reliable_receive(&r, pkt.head.opcode, pkt.rel.msg_id,
				       pkt.rel.payload, pkt.rel.payload_len);
	while (reliable_peek(&r, &rx))
		reliable_pop(&r);
	if (reliable_ack_pending(&r) > RELIABLE_ACK_MAX)
		abort();
	reliable_clear(&r);
}

/* The same bytes read as a script of operations on one reliable instance. */
struct script {
	struct reliable *r;
	uint64_t now;
	uint32_t delivered;     /* next id expected out of reliable_peek */
};

static void script_step(struct script *s, uint8_t op, uint8_t arg)
{
	struct reliable *r = s->r;
	struct reliable_tx tx;
	struct reliable_rx rx;
	struct ctlpkt_ack ack;
	uint32_t id;
	int rc;

	switch (op & 7) {
	case 0:
		rc = reliable_queue(r, P_CONTROL_V1, &arg, 1, NULL);
		if (rc && rc != -ENOBUFS)
			abort();
		break;
	case 1:
		rc = reliable_next_send(r, s->now, &tx);
		if (rc < 0 || rc > 1 || (rc && tx.len != 1))
			abort();
		break;
	case 2:
		id = r->next_send_id - 8u + (arg & 15u);
		reliable_ack_received(r, &id, 1);
		break;
	case 3:
		id = r->next_recv_id + (uint32_t)(int32_t)(int8_t)arg;
		if (reliable_receive(r, P_CONTROL_V1, id, &arg, 1) > RELIABLE_RX_INVALID)
			abort();
		break;
	case 4:
		if (!reliable_peek(r, &rx))
			break;
		if (rx.msg_id != s->delivered++ || rx.len != 1)
			abort();
		reliable_pop(r);
		break;
	case 5:
		if (reliable_ack_fill(r, &ack, arg % 10u, (const uint8_t *)"sidsids!") >
		    (arg % 10u < RELIABLE_ACK_MAX ? arg % 10u : RELIABLE_ACK_MAX))
			abort();
		break;
	case 6:
		s->now += (uint64_t)arg * 100u;
		break;
	default:
		reliable_schedule_now(r, s->now);
	}
}

static void check_reliable_script(const uint8_t *data, size_t size)
{
	static struct reliable r;
	struct script s = { .r = &r };
	size_t i;

	reliable_init(&r, NULL);
	for (i = 0; i + 1 < size; i += 2) {
		script_step(&s, data[i], data[i + 1]);
		if (reliable_send_room(&r) > RELIABLE_SEND_WINDOW ||
		    reliable_ack_pending(&r) > RELIABLE_ACK_MAX)
			abort();
		if (reliable_send_empty(&r) &&
		    reliable_next_deadline(&r) != RELIABLE_NO_DEADLINE)
			abort();
	}
	reliable_clear(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_plain(data, size);
	check_reliable(data, size);
	check_reliable_layer(data, size);
	check_reliable_script(data, size);
	return 0;
}
