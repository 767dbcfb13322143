/*
 * Keepalive as the drivers do it (SET_PEER): a ping when nothing was sent for
 * the interval, and the peer expires when nothing authenticated arrived for
 * the timeout. One deadline scan per worker instead of timers per peer:
 * each worker sleeps until its earliest deadline (but at least
 * KEEPALIVE_BATCH_MS), then visits every peer, acting for all those due
 * that it is the home of (engine.h: peer_home).
 */
#include <string.h>

#include "dco/engine.h"
#include "proto/datapkt.h"

/* The shortest time between two scans of a worker's peers. */
#define KEEPALIVE_BATCH_MS 100u

static uint64_t min_deadline(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void keepalive_send_ping(struct worker *w, struct peer *p,
				uint64_t now_ms)
{
	atomic_store_explicit(&p->last_tx_ms, now_ms, memory_order_relaxed);
	DCO_STAT_ADD(w, p, keepalive_tx, 1);
	tx_send_msg(w, p, datapkt_ping_magic, DATAPKT_PING_LEN);
}

/* Returns the peer's next deadline, or UINT64_MAX if it has none (or died). */
static uint64_t keepalive_expiry(struct worker *w, struct peer *p,
				 uint64_t now_ms)
{
	uint64_t last = atomic_load_explicit(&p->last_rx_ms, memory_order_relaxed);
	uint64_t timeout = atomic_load_explicit(&p->ka_timeout_ms,
						memory_order_relaxed);

	if (!timeout)
		return UINT64_MAX;
	if (now_ms >= last + timeout) {
		log_info("peer %u: no packet for %llu s, expired", p->id,
			 (unsigned long long)(timeout / 1000));
		peer_mark_dead(w->dco, p, DCO_DEL_EXPIRED);
		return UINT64_MAX;
	}
	return last + timeout;
}

static uint64_t keepalive_ping(struct worker *w, struct peer *p, uint64_t now_ms)
{
	uint64_t last = atomic_load_explicit(&p->last_tx_ms, memory_order_relaxed);
	uint64_t interval = atomic_load_explicit(&p->ka_interval_ms,
						 memory_order_relaxed);

	if (!interval || !peer_primary(p))
		return UINT64_MAX;
	if (now_ms >= last + interval) {
		keepalive_send_ping(w, p, now_ms);
		last = now_ms;
	}
	return last + interval;
}

/* Returns the peer's next deadline for this worker, UINT64_MAX for none:
 * a peer's home worker pings and expires it. */
static uint64_t keepalive_peer(struct worker *w, struct peer *p, uint64_t now_ms)
{
	uint64_t next;

	if (peer_home(w->dco, p) != w)
		return UINT64_MAX;
	next = keepalive_expiry(w, p, now_ms);
	if (!atomic_load(&p->dead))
		next = min_deadline(next, keepalive_ping(w, p, now_ms));
	return next;
}

void keepalive_scan(struct worker *w, uint64_t now_ms)
{
	struct dco *dco = w->dco;
	uint64_t next = UINT64_MAX;
	uint64_t seen = atomic_load(&w->next_deadline_ms);

	if (now_ms < seen)
		return;
	for (unsigned b = 0; b < DCO_PEER_BUCKETS; b++) {
		struct peer *p;

		cds_hlist_for_each_entry_rcu_2(p, &dco->by_id[b], id_node)
			if (!atomic_load(&p->dead))
				next = min_deadline(next,
						    keepalive_peer(w, p, now_ms));
	}
	/* Not sooner than KEEPALIVE_BATCH_MS from now: the peers' deadlines
	 * are spread out (one a millisecond at 10,000 peers pinging every
	 * 10 s), and a scan per deadline visited every peer each time. A
	 * ping or an expiry is at most that late (OpenVPN's own timers tick
	 * in whole seconds). */
	if (next != UINT64_MAX && next < now_ms + KEEPALIVE_BATCH_MS)
		next = now_ms + KEEPALIVE_BATCH_MS;
	/* a peer set up meanwhile may have lowered it: keep the lower */
	while (!atomic_compare_exchange_weak(&w->next_deadline_ms, &seen, next))
		next = min_deadline(next, seen);
}

/* Lower @d to @v; true if it was later. */
static bool deadline_lower(_Atomic uint64_t *d, uint64_t v)
{
	uint64_t cur = atomic_load(d);

	while (v < cur)
		if (atomic_compare_exchange_weak(d, &cur, v))
			return true;
	return false;
}

void keepalive_peer_set(struct dco *dco, struct peer *p, uint64_t now_ms)
{
	uint64_t interval = atomic_load(&p->ka_interval_ms);
	uint64_t timeout = atomic_load(&p->ka_timeout_ms);
	uint64_t due = UINT64_MAX;

	if (interval)
		due = atomic_load_explicit(&p->last_tx_ms,
					   memory_order_relaxed) + interval;
	if (timeout)
		due = min_deadline(due, now_ms + timeout);
	/* Only a worker whose sleep ends later than this peer's first
	 * deadline is woken; waking every worker for a full scan per new
	 * peer made a server's connects O(peers) each. */
	for (unsigned i = 0; i < dco->n_workers; i++)
		if (deadline_lower(&dco->workers[i].next_deadline_ms, due))
			worker_wake(&dco->workers[i]);
}
