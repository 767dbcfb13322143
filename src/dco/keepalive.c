/*
 * Keepalive as the drivers do it (SET_PEER): a ping when nothing was sent for
 * the interval, and the peer expires when nothing authenticated arrived for
 * the timeout. One deadline scan per instance instead of timers per peer:
 * the worker sleeps until the earliest deadline, then visits every peer.
 */
#include <string.h>

#include "dco/engine.h"
#include "proto/datapkt.h"

static uint64_t min_deadline(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void keepalive_send_ping(struct dco *dco, struct peer *p, uint64_t now_ms)
{
	struct pkt *pkt = &dco->ctl_pool.pkts[0];

	pkt_reset(pkt);
	memcpy(pkt->data, datapkt_ping_magic, DATAPKT_PING_LEN);
	pkt->len = DATAPKT_PING_LEN;
	/* Count the attempt first: a failed TCP send may delete the peer. */
	p->last_tx_ms = now_ms;
	DCO_STAT_ADD(dco, p, keepalive_tx, 1);
	if (tx_encrypt(dco, p, pkt) == 0)
		tx_send_one(dco, p, pkt);
}

/* Returns the peer's next deadline, or UINT64_MAX if it has none (or died). */
static uint64_t keepalive_peer(struct dco *dco, struct peer *p, uint64_t now_ms)
{
	uint64_t next = UINT64_MAX;

	if (p->ka_timeout_ms) {
		if (now_ms >= p->last_rx_ms + p->ka_timeout_ms) {
			log_info("peer %u: no packet for %llu s, expired", p->id,
				 (unsigned long long)(p->ka_timeout_ms / 1000));
			peer_delete(dco, p, DCO_DEL_EXPIRED);
			return UINT64_MAX;
		}
		next = p->last_rx_ms + p->ka_timeout_ms;
	}
	if (p->ka_interval_ms && peer_primary(p)->in_use) {
		if (now_ms >= p->last_tx_ms + p->ka_interval_ms)
			keepalive_send_ping(dco, p, now_ms);
		next = min_deadline(next, p->last_tx_ms + p->ka_interval_ms);
	}
	return next;
}

void keepalive_scan(struct dco *dco, uint64_t now_ms)
{
	uint64_t next = UINT64_MAX;

	if (now_ms < dco->next_deadline_ms)
		return;
	for (unsigned b = 0; b < DCO_PEER_BUCKETS; b++) {
		struct peer *p = dco->buckets[b];

		while (p) {
			/* Read the link first: the peer may be freed. */
			struct peer *following = p->next;

			next = min_deadline(next, keepalive_peer(dco, p, now_ms));
			p = following;
		}
	}
	dco->next_deadline_ms = next;
}
