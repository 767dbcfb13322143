/*
 * Due times of many owners (a server's clients): a binary min-heap of
 * nodes embedded in the owners, each node knowing its own place so that
 * it can be moved or taken out in O(log n). The loop sleeps until the
 * earliest due time and visits only the owners that are due: an owner
 * with nothing to do for an hour costs nothing for an hour (STYLE.md
 * habit 8: one deadline for the instance, not a scan of every owner).
 *
 * The capacity is fixed at init (a server's max-clients), so queueing
 * never allocates and cannot fail. Not thread-safe: one thread owns it.
 */
#ifndef DCOVPN_EV_DUEHEAP_H
#define DCOVPN_EV_DUEHEAP_H

#include <stdbool.h>
#include <stdint.h>

#define DUEHEAP_NONE UINT32_MAX          /* a node not queued */

struct due_node {
	uint64_t due;            /* clock_now_ms() time */
	uint32_t idx;            /* place in the heap, DUEHEAP_NONE: out */
};

struct dueheap {
	struct due_node **v;
	uint32_t n, cap;
};

/* 0 or -ENOMEM. */
int dueheap_init(struct dueheap *h, uint32_t cap);
void dueheap_free(struct dueheap *h);

static inline void due_node_init(struct due_node *nd)
{
	nd->due = 0;
	nd->idx = DUEHEAP_NONE;
}

static inline bool due_node_queued(const struct due_node *nd)
{
	return nd->idx != DUEHEAP_NONE;
}

/* Queue @nd at @due, or move it there (sooner or later). At most cap
 * nodes are queued at once (the caller's invariant). */
void dueheap_set(struct dueheap *h, struct due_node *nd, uint64_t due);
/* Queue @nd at @due unless it is queued for sooner already. */
void dueheap_lower(struct dueheap *h, struct due_node *nd, uint64_t due);
/* Take @nd out (nothing if it is not queued). */
void dueheap_del(struct dueheap *h, struct due_node *nd);

/* The node due first, NULL if none is queued. */
static inline struct due_node *dueheap_first(const struct dueheap *h)
{
	return h->n ? h->v[0] : NULL;
}

/* Its due time, UINT64_MAX if none is queued. */
static inline uint64_t dueheap_next(const struct dueheap *h)
{
	return h->n ? h->v[0]->due : UINT64_MAX;
}

#endif
