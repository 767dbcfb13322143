/* The engine threads' hand-off queues (handoff.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dco/handoff.h"

_Static_assert((HANDOFF_SLOTS & (HANDOFF_SLOTS - 1)) == 0,
	       "a power of two: positions wrap by mask");

static struct handoff_slot *handoff_slot_at(struct handoff *q, uint32_t pos)
{
	return (struct handoff_slot *)(q->slots + (size_t)(pos & (HANDOFF_SLOTS - 1)) *
							  q->stride);
}

int handoff_init(struct handoff *q, uint32_t data_max)
{
	size_t align = _Alignof(struct handoff_slot);

	q->data_max = data_max;
	q->stride = (sizeof(struct handoff_slot) + data_max + align - 1) /
		    align * align;
	q->seq = calloc(HANDOFF_SLOTS, sizeof(*q->seq));
	q->slots = calloc(HANDOFF_SLOTS, q->stride);
	if (!q->seq || !q->slots) {
		handoff_free(q);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < HANDOFF_SLOTS; i++)
		atomic_init(&q->seq[i], i);
	atomic_init(&q->tail, 0);
	q->head = 0;
	atomic_init(&q->armed, false);
	return 0;
}

void handoff_free(struct handoff *q)
{
	free(q->seq);
	free(q->slots);
	q->seq = NULL;
	q->slots = NULL;
}

/* Claim the slot for position tail: its seq equals the position when it
 * is free for that round. NULL when the queue is full. */
static struct handoff_slot *handoff_claim(struct handoff *q, uint32_t *pos)
{
	uint32_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);

	for (;;) {
		uint32_t i = t & (HANDOFF_SLOTS - 1);
		int32_t dif = (int32_t)(atomic_load_explicit(
				&q->seq[i], memory_order_acquire) - t);

		if (dif < 0)
			return NULL;
		if (dif == 0 && atomic_compare_exchange_weak_explicit(
				    &q->tail, &t, t + 1, memory_order_relaxed,
				    memory_order_relaxed)) {
			*pos = t;
			return handoff_slot_at(q, t);
		}
		if (dif > 0)
			t = atomic_load_explicit(&q->tail, memory_order_relaxed);
	}
}

int handoff_push(struct handoff *q, const struct pkt *p)
{
	struct handoff_slot *s;
	uint32_t pos;

	if (p->len > q->data_max)
		return -EMSGSIZE;
	s = handoff_claim(q, &pos);
	if (!s)
		return -ENOBUFS;
	memcpy(s->data, p->src ? p->src : p->data, p->len);
	s->len = p->len;
	s->peer_id = p->peer_id;
	s->sock = p->sock;
	s->addrlen = p->addrlen;
	memcpy(&s->addr, &p->addr, p->addrlen);
	s->local = p->local;
	atomic_store_explicit(&q->seq[pos & (HANDOFF_SLOTS - 1)], pos + 1,
			      memory_order_release);
	return 0;
}

struct handoff_slot *handoff_peek(struct handoff *q)
{
	uint32_t i = q->head & (HANDOFF_SLOTS - 1);

	if (atomic_load_explicit(&q->seq[i], memory_order_acquire) !=
	    q->head + 1)
		return NULL;
	return handoff_slot_at(q, q->head);
}

void handoff_release(struct handoff *q)
{
	atomic_store_explicit(&q->seq[q->head & (HANDOFF_SLOTS - 1)],
			      q->head + HANDOFF_SLOTS, memory_order_release);
	q->head++;
}
