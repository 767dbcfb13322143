/*
 * Replay window and send counter (pktid.h, PROTOCOL.md 5.4).
 *
 * The window remembers, for the @size ids ending at the highest accepted
 * one, whether each was seen and when; slots are indexed by id % size so
 * sliding the window forward only has to clear the slots it uncovers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/pktid.h"

#define BITS_PER_WORD 64u

int pktid_window_init(struct pktid_window *w, uint32_t size, uint32_t expire_s)
{
	size_t words = ((size_t)size + BITS_PER_WORD - 1) / BITS_PER_WORD;

	*w = (struct pktid_window){ 0 };
	if (size == 0 || size > PKTID_WINDOW_MAX)
		return -EINVAL;
	w->seen = calloc(words, sizeof(*w->seen));
	w->when_ms = calloc(size, sizeof(*w->when_ms));
	if (!w->seen || !w->when_ms) {
		pktid_window_free(w);
		return -ENOMEM;
	}
	w->size = size;
	/* Saturate: a limit of 49 days or more is as good as none. */
	w->expire_ms = expire_s > UINT32_MAX / 1000u ? UINT32_MAX : expire_s * 1000u;
	return 0;
}

void pktid_window_reset(struct pktid_window *w)
{
	size_t words = ((size_t)w->size + BITS_PER_WORD - 1) / BITS_PER_WORD;

	w->highest = 0;
	memset(w->seen, 0, words * sizeof(*w->seen));
	memset(w->when_ms, 0, (size_t)w->size * sizeof(*w->when_ms));
}

void pktid_window_free(struct pktid_window *w)
{
	free(w->seen);
	free(w->when_ms);
	*w = (struct pktid_window){ 0 };
}

static bool slot_seen(const struct pktid_window *w, uint64_t id)
{
	uint32_t slot = (uint32_t)(id % w->size);

	return w->seen[slot / BITS_PER_WORD] >> (slot % BITS_PER_WORD) & 1u;
}

static void slot_set(struct pktid_window *w, uint64_t id, bool seen)
{
	uint32_t slot = (uint32_t)(id % w->size);
	uint64_t bit = (uint64_t)1 << (slot % BITS_PER_WORD);

	if (seen)
		w->seen[slot / BITS_PER_WORD] |= bit;
	else
		w->seen[slot / BITS_PER_WORD] &= ~bit;
}

/*
 * OpenVPN's time_backtrack: once any id received more than expire_ms ago
 * sits in the window, it and every slot below it are refused, so a held-back
 * packet can fill a gap only while everything above the gap is fresh. Only
 * the ids between @id and the highest can decide, so the cost is the
 * reordering depth, and only for reordered packets.
 */
static bool expired(const struct pktid_window *w, uint64_t id, uint64_t now_ms)
{
	uint64_t above;

	if (w->expire_ms == 0)
		return false;
	for (above = id + 1; above <= w->highest && above != 0; above++) {
		if (slot_seen(w, above) &&
		    w->when_ms[above % w->size] + w->expire_ms < now_ms)
			return true;
	}
	return false;
}

enum pktid_verdict pktid_check(const struct pktid_window *w, uint64_t id,
			       uint64_t now_ms)
{
	if (id == 0)
		return PKTID_INVALID;
	if (id > w->highest)
		return PKTID_OK;
	if (w->highest - id >= w->size)
		return PKTID_TOO_OLD;
	if (slot_seen(w, id))
		return PKTID_DUPLICATE;
	if (expired(w, id, now_ms))
		return PKTID_EXPIRED;
	return PKTID_OK;
}

/* Move the highest id to @id, forgetting the slots the window leaves. */
static void slide(struct pktid_window *w, uint64_t id)
{
	uint64_t gap = id - w->highest;
	uint64_t i;

	if (gap >= w->size) {
		for (i = 0; i < (w->size + BITS_PER_WORD - 1) / BITS_PER_WORD; i++)
			w->seen[i] = 0;
	} else {
		for (i = 1; i <= gap; i++)
			slot_set(w, w->highest + i, false);
	}
	w->highest = id;
}

enum pktid_verdict pktid_accept(struct pktid_window *w, uint64_t id,
				uint64_t now_ms)
{
	enum pktid_verdict v = pktid_check(w, id, now_ms);

	if (v != PKTID_OK)
		return v;
	if (id > w->highest)
		slide(w, id);
	slot_set(w, id, true);
	w->when_ms[id % w->size] = now_ms;
	return PKTID_OK;
}

const char *pktid_verdict_str(enum pktid_verdict v)
{
	switch (v) {
	case PKTID_OK:
		return "ok";
	case PKTID_INVALID:
		return "invalid packet-id 0";
	case PKTID_DUPLICATE:
		return "replayed packet-id";
	case PKTID_TOO_OLD:
		return "packet-id below the replay window";
	case PKTID_EXPIRED:
		return "packet-id past the replay time limit";
	}
	return "unknown";
}

uint32_t pktid_tx_next(struct pktid_tx *tx)
{
	uint32_t last = atomic_load_explicit(&tx->last, memory_order_relaxed);

	/* A compare-and-swap rather than fetch_add so the counter stops at
	 * UINT32_MAX instead of wrapping back to ids already used. */
	do {
		if (last == UINT32_MAX)
			return 0;
	} while (!atomic_compare_exchange_weak_explicit(&tx->last, &last, last + 1,
							 memory_order_relaxed,
							 memory_order_relaxed));
	return last + 1;
}
