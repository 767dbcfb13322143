/*
 * libFuzzer target for the control-packet parsers (proto/ctlpkt). Besides
 * "never crash", it checks that whatever parses composes back to the same
 * bytes, and that the early-negotiation TLV parser is total.
 * The first input byte also drives a reliable-layer receive, so hostile ids
 * and ACK records from the wire reach reliable.c too.
 */
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_plain(data, size);
	check_reliable(data, size);
	check_reliable_layer(data, size);
	return 0;
}
