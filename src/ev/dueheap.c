/* A binary min-heap of embedded nodes (see dueheap.h). */
#include <errno.h>
#include <stdlib.h>

#include "ev/dueheap.h"

int dueheap_init(struct dueheap *h, uint32_t cap)
{
	h->n = 0;
	h->cap = cap;
	h->v = calloc(cap ? cap : 1, sizeof(*h->v));
	return h->v ? 0 : -ENOMEM;
}

void dueheap_free(struct dueheap *h)
{
	for (uint32_t i = 0; i < h->n; i++)
		h->v[i]->idx = DUEHEAP_NONE;
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

static void place(struct dueheap *h, uint32_t i, struct due_node *nd)
{
	h->v[i] = nd;
	nd->idx = i;
}

static void sift_up(struct dueheap *h, uint32_t i)
{
	struct due_node *nd = h->v[i];

	while (i) {
		uint32_t parent = (i - 1) / 2;

		if (h->v[parent]->due <= nd->due)
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, nd);
}

static void sift_down(struct dueheap *h, uint32_t i)
{
	struct due_node *nd = h->v[i];

	for (;;) {
		uint32_t child = 2 * i + 1;

		if (child >= h->n)
			break;
		if (child + 1 < h->n && h->v[child + 1]->due < h->v[child]->due)
			child++;
		if (nd->due <= h->v[child]->due)
			break;
		place(h, i, h->v[child]);
		i = child;
	}
	place(h, i, nd);
}

void dueheap_set(struct dueheap *h, struct due_node *nd, uint64_t due)
{
	uint64_t was = nd->due;

	nd->due = due;
	if (!due_node_queued(nd)) {
		if (h->n >= h->cap)
			return;	/* the caller's invariant broken: never queued */
		place(h, h->n++, nd);
		sift_up(h, nd->idx);
	} else if (due < was) {
		sift_up(h, nd->idx);
	} else if (due > was) {
		sift_down(h, nd->idx);
	}
}

void dueheap_lower(struct dueheap *h, struct due_node *nd, uint64_t due)
{
	if (!due_node_queued(nd) || due < nd->due)
		dueheap_set(h, nd, due);
}

void dueheap_del(struct dueheap *h, struct due_node *nd)
{
	uint32_t i = nd->idx;
	struct due_node *last;

	if (!due_node_queued(nd))
		return;
	nd->idx = DUEHEAP_NONE;
	last = h->v[--h->n];
	if (last == nd)
		return;
	place(h, i, last);
	/* the last one may belong above or below the hole */
	sift_up(h, i);
	sift_down(h, last->idx);
}
