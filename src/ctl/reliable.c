/* Control-channel reliability layer; behaviour and caller duties in reliable.h. */
#include "ctl/reliable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* a < b in 32-bit wrap-around order (message-ids may wrap). */
static bool id_before(uint32_t a, uint32_t b)
{
	return (uint32_t)(a - b) >= 0x80000000u;
}

void reliable_init(struct reliable *r, const struct reliable_config *cfg)
{
	memset(r, 0, sizeof(*r));
	if (cfg)
		r->cfg = *cfg;
	if (!r->cfg.initial_timeout_ms)
		r->cfg.initial_timeout_ms = RELIABLE_TIMEOUT_DEFAULT_MS;
	r->hold = r->cfg.hold;
}

/*
 * A message's bytes live in the heap only while its slot is active: an
 * established peer's windows are empty nearly all the time, and a server
 * keeps one per client (fixed 2 kB slots made 37 kB of every client).
 */
static uint8_t *slot_data_new(const uint8_t *payload, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (d && len)
		memcpy(d, payload, len);
	return d;
}

static void slot_data_free(uint8_t **data, uint16_t len)
{
	if (!*data)
		return;
	mem_wipe(*data, len);
	free(*data);
	*data = NULL;
}

void reliable_clear(struct reliable *r)
{
	unsigned i;

	for (i = 0; i < RELIABLE_SEND_WINDOW; i++)
		slot_data_free(&r->send[i].data, r->send[i].len);
	for (i = 0; i < RELIABLE_RECV_WINDOW; i++)
		slot_data_free(&r->recv[i].data, r->recv[i].len);
	mem_wipe(r, sizeof(*r));
}

/* ---------------------------------------------------------------- send */

static const struct reliable_send_slot *oldest_unacked(const struct reliable *r)
{
	const struct reliable_send_slot *min = NULL;
	unsigned i;

	for (i = 0; i < RELIABLE_SEND_WINDOW; i++) {
		const struct reliable_send_slot *s = &r->send[i];

		if (s->active && (!min || id_before(s->msg_id, min->msg_id)))
			min = s;
	}
	return min;
}

unsigned reliable_send_room(const struct reliable *r)
{
	const struct reliable_send_slot *min = oldest_unacked(r);
	uint32_t span;

	if (!min)
		return RELIABLE_SEND_WINDOW;
	/* Ids in flight span [min, next); a lost oldest packet blocks the window. */
	span = r->next_send_id - min->msg_id;
	return span < RELIABLE_SEND_WINDOW ? RELIABLE_SEND_WINDOW - span : 0;
}

static struct reliable_send_slot *free_send_slot(struct reliable *r)
{
	unsigned i;

	for (i = 0; i < RELIABLE_SEND_WINDOW; i++)
		if (!r->send[i].active)
			return &r->send[i];
	return NULL;
}

int reliable_queue(struct reliable *r, enum opcode op, const uint8_t *payload,
		   size_t len, uint32_t *msg_id)
{
	struct reliable_send_slot *s;

	if (!ctlpkt_opcode_has_msg_id(op))
		return -EINVAL;
	if (len > RELIABLE_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (!reliable_send_room(r))
		return -ENOBUFS;
	s = free_send_slot(r);
	if (!s)
		return -ENOBUFS;
	s->data = slot_data_new(payload, len);
	if (!s->data)
		return -ENOMEM;
	s->active = true;
	s->opcode = op;
	s->msg_id = r->next_send_id++;
	s->next_try_ms = 0;
	s->timeout_ms = r->cfg.initial_timeout_ms;
	s->later_acks = 0;
	s->sends = 0;
	s->len = (uint16_t)len;
	if (msg_id)
		*msg_id = s->msg_id;
	return 0;
}

static bool slot_due(const struct reliable_send_slot *s, uint64_t now_ms)
{
	return s->active && (s->later_acks >= RELIABLE_FAST_RETRANSMIT ||
			     now_ms >= s->next_try_ms);
}

static struct reliable_send_slot *oldest_due(struct reliable *r, uint64_t now_ms)
{
	struct reliable_send_slot *best = NULL;
	unsigned i;

	for (i = 0; i < RELIABLE_SEND_WINDOW; i++) {
		struct reliable_send_slot *s = &r->send[i];

		if (slot_due(s, now_ms) &&
		    (!best || id_before(s->msg_id, best->msg_id)))
			best = s;
	}
	return best;
}

static uint64_t doubled(const struct reliable *r, uint64_t t)
{
	uint64_t cap = r->cfg.max_timeout_ms ? r->cfg.max_timeout_ms
					      : RELIABLE_TIMEOUT_LIMIT_MS;

	t *= 2;
	return t < cap ? t : cap;
}

static void count_send(struct reliable *r, const struct reliable_send_slot *s,
		       uint64_t now_ms)
{
	r->stats.sent++;
	if (!s->sends)
		return;
	r->stats.retransmits++;
	if (now_ms < s->next_try_ms)
		r->stats.fast_retransmits++;
}

int reliable_next_send(struct reliable *r, uint64_t now_ms, struct reliable_tx *tx)
{
	struct reliable_send_slot *s;

	if (r->hold)
		return 0;
	s = oldest_due(r, now_ms);
	if (!s)
		return 0;
	if (r->cfg.max_sends && s->sends >= r->cfg.max_sends)
		return -ETIMEDOUT;
	count_send(r, s, now_ms);
	tx->retransmit = s->sends > 0;
	s->next_try_ms = now_ms + s->timeout_ms;
	s->timeout_ms = doubled(r, s->timeout_ms);
	s->later_acks = 0;
	s->sends++;
	tx->opcode = s->opcode;
	tx->msg_id = s->msg_id;
	tx->payload = s->data;
	tx->len = s->len;
	return 1;
}

uint64_t reliable_next_deadline(const struct reliable *r)
{
	uint64_t when = RELIABLE_NO_DEADLINE;
	unsigned i;

	if (r->hold)
		return RELIABLE_NO_DEADLINE;
	for (i = 0; i < RELIABLE_SEND_WINDOW; i++) {
		const struct reliable_send_slot *s = &r->send[i];

		if (!s->active)
			continue;
		if (s->later_acks >= RELIABLE_FAST_RETRANSMIT)
			return 0;
		if (s->next_try_ms < when)
			when = s->next_try_ms;
	}
	return when;
}

void reliable_schedule_now(struct reliable *r, uint64_t now_ms)
{
	unsigned i;

	r->hold = false;
	for (i = 0; i < RELIABLE_SEND_WINDOW; i++) {
		struct reliable_send_slot *s = &r->send[i];

		if (!s->active)
			continue;
		s->next_try_ms = now_ms;
		s->timeout_ms = r->cfg.initial_timeout_ms;
	}
}

/* One acked id: release its slot; older outstanding ones count a later ACK. */
static unsigned ack_one(struct reliable *r, uint32_t id)
{
	unsigned i, released = 0;

	for (i = 0; i < RELIABLE_SEND_WINDOW; i++) {
		struct reliable_send_slot *s = &r->send[i];

		if (!s->active)
			continue;
		if (s->msg_id == id) {
			s->active = false;
			slot_data_free(&s->data, s->len);
			released++;
		} else if (id_before(s->msg_id, id)) {
			s->later_acks++;
		}
	}
	return released;
}

unsigned reliable_ack_received(struct reliable *r, const uint32_t *ids, unsigned n)
{
	unsigned i, released = 0;

	for (i = 0; i < n; i++)
		released += ack_one(r, ids[i]);
	r->stats.acked += released;
	return released;
}

bool reliable_send_empty(const struct reliable *r)
{
	return oldest_unacked(r) == NULL;
}

int reliable_set_next_send(struct reliable *r, uint32_t id)
{
	if (!reliable_send_empty(r))
		return -EBUSY;
	r->next_send_id = id;
	return 0;
}

/* ------------------------------------------------------------- receive */

static bool ack_list_has(const struct reliable_ack_list *l, uint32_t id)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		if (l->ids[i] == id)
			return true;
	return false;
}

/* Queue @id for ACK once; a full list drops it (the peer will resend). */
static void ack_queue(struct reliable *r, uint32_t id)
{
	struct reliable_ack_list *l = &r->ack_pending;

	if (ack_list_has(l, id))
		return;
	if (l->n >= RELIABLE_ACK_MAX) {
		r->stats.ack_overflow++;
		return;
	}
	l->ids[l->n++] = id;
}

/* Index of the stored message @id, or of a free slot if !@active; -1 if none. */
static int find_recv(const struct reliable *r, uint32_t id, bool active)
{
	unsigned i;

	for (i = 0; i < RELIABLE_RECV_WINDOW; i++) {
		const struct reliable_recv_slot *s = &r->recv[i];

		if (s->active == active && (!active || s->msg_id == id))
			return (int)i;
	}
	return -1;
}

static enum reliable_rx_verdict dropped(struct reliable *r,
					enum reliable_rx_verdict v)
{
	r->stats.dropped++;
	return v;
}

static enum reliable_rx_verdict duplicate(struct reliable *r, uint32_t id)
{
	r->stats.duplicates++;
	ack_queue(r, id);
	return RELIABLE_RX_DUP;
}

enum reliable_rx_verdict reliable_receive(struct reliable *r, enum opcode op,
					  uint32_t msg_id, const uint8_t *payload,
					  size_t len)
{
	int free_idx = find_recv(r, 0, false);
	struct reliable_recv_slot *s;

	if (!ctlpkt_opcode_has_msg_id(op))
		return dropped(r, RELIABLE_RX_INVALID);
	/* As OpenVPN: with every buffer busy not even duplicates are ACKed. */
	if (free_idx < 0)
		return dropped(r, RELIABLE_RX_FULL);
	if (id_before(msg_id, r->next_recv_id))
		return duplicate(r, msg_id);
	if (msg_id - r->next_recv_id >= RELIABLE_RECV_WINDOW)
		return dropped(r, RELIABLE_RX_BEYOND);
	if (find_recv(r, msg_id, true) >= 0)
		return duplicate(r, msg_id);
	if (len > RELIABLE_PAYLOAD_MAX)
		return dropped(r, RELIABLE_RX_TOO_BIG);
	s = &r->recv[free_idx];
	s->data = slot_data_new(payload, len);
	if (!s->data)
		return dropped(r, RELIABLE_RX_FULL);
	s->active = true;
	s->opcode = op;
	s->msg_id = msg_id;
	s->len = (uint16_t)len;
	r->stats.received++;
	ack_queue(r, msg_id);
	return RELIABLE_RX_NEW;
}

bool reliable_peek(const struct reliable *r, struct reliable_rx *rx)
{
	int i = find_recv(r, r->next_recv_id, true);
	const struct reliable_recv_slot *s;

	if (i < 0)
		return false;
	s = &r->recv[i];
	rx->opcode = s->opcode;
	rx->msg_id = s->msg_id;
	rx->payload = s->data;
	rx->len = s->len;
	return true;
}

void reliable_pop(struct reliable *r)
{
	int i = find_recv(r, r->next_recv_id, true);

	if (i < 0)
		return;
	r->recv[i].active = false;
	slot_data_free(&r->recv[i].data, r->recv[i].len);
	r->next_recv_id++;
}

int reliable_set_next_recv(struct reliable *r, uint32_t id)
{
	unsigned i;

	for (i = 0; i < RELIABLE_RECV_WINDOW; i++)
		if (r->recv[i].active)
			return -EBUSY;
	r->next_recv_id = id;
	return 0;
}

/* ---------------------------------------------------------------- ACKs */

unsigned reliable_ack_pending(const struct reliable *r)
{
	return r->ack_pending.n;
}

/* Move @id to the front of the MRU list, dropping the oldest if it is full. */
static void mru_touch(struct reliable_ack_list *l, uint32_t id)
{
	unsigned j;

	for (j = 0; j < l->n && l->ids[j] != id; j++)
		;
	if (j == l->n) {
		if (l->n < RELIABLE_ACK_MAX)
			l->n++;
		j = l->n - 1u;
	}
	memmove(&l->ids[1], &l->ids[0], j * sizeof(l->ids[0]));
	l->ids[0] = id;
}

unsigned reliable_ack_fill(struct reliable *r, struct ctlpkt_ack *ack,
			   unsigned max, const uint8_t peer_sid[CTLPKT_SID_LEN])
{
	struct reliable_ack_list *p = &r->ack_pending;
	unsigned i, n, total;

	if (max > RELIABLE_ACK_MAX)
		max = RELIABLE_ACK_MAX;
	n = p->n < max ? p->n : max;
	/* Backwards, so the MRU front ends up in pending order. */
	for (i = n; i-- > 0;)
		mru_touch(&r->ack_mru, p->ids[i]);
	memmove(&p->ids[0], &p->ids[n], (p->n - n) * sizeof(p->ids[0]));
	p->n = (uint8_t)(p->n - n);
	total = r->ack_mru.n < max ? r->ack_mru.n : max;
	memcpy(ack->ids, r->ack_mru.ids, total * sizeof(ack->ids[0]));
	ack->n = (uint8_t)total;
	if (total)
		memcpy(ack->peer_sid, peer_sid, CTLPKT_SID_LEN);
	return total;
}

size_t reliable_ack_overhead(const struct reliable *r, unsigned max)
{
	unsigned n = (unsigned)r->ack_pending.n + r->ack_mru.n;

	if (max > RELIABLE_ACK_MAX)
		max = RELIABLE_ACK_MAX;
	return ctlpkt_ack_len(n < max ? n : max);
}

const char *reliable_rx_verdict_str(enum reliable_rx_verdict v)
{
	switch (v) {
	case RELIABLE_RX_NEW:
		return "new";
	case RELIABLE_RX_DUP:
		return "duplicate";
	case RELIABLE_RX_BEYOND:
		return "beyond receive window";
	case RELIABLE_RX_FULL:
		return "receive buffers full";
	case RELIABLE_RX_TOO_BIG:
		return "payload too big";
	case RELIABLE_RX_INVALID:
		return "opcode without message-id";
	}
	return "unknown";
}
