/*
 * A queue of free ids 0..n-1 (the server's client slots, which are its
 * peer-ids): taking and returning one are O(1), where a scan for a free
 * slot cost max-clients per connect. First in, first out: the ids start
 * in order (0, 1, 2, ...) and a returned id waits behind every other free
 * one, so a peer-id is reused as late as possible (a late event or packet
 * for the old holder is less likely to meet a new one).
 *
 * Not thread-safe: one owner (the server's control thread).
 */
#ifndef DCOVPN_BASE_IDQ_H
#define DCOVPN_BASE_IDQ_H

#include <stdint.h>

struct idq {
	uint32_t *v;        /* ring of the free ids */
	uint32_t cap;       /* n: every id fits */
	uint32_t head;      /* next to take */
	uint32_t count;     /* free ids queued */
};

/* All of 0..@n-1 free. 0 or -ENOMEM (-EINVAL for n 0). */
int idq_init(struct idq *q, uint32_t n);
void idq_free(struct idq *q);
/* The oldest free id, or -1 when none is free. */
int64_t idq_take(struct idq *q);
/* Give back @id (taken, not returned yet: the caller's invariant). */
void idq_put(struct idq *q, uint32_t id);

static inline uint32_t idq_count(const struct idq *q)
{
	return q->count;
}

#endif
