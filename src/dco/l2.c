/*
 * Layer 2 for the data path (l2.h): the frame check, and the MP switch.
 *
 * The MAC table is set-associative: a MAC hashes to one set of L2_WAYS
 * entries, so it never grows and a lookup is a few compares. A client
 * flooding made-up source MACs is stopped by its per-peer bound first;
 * a full set replaces its oldest entry. One mutex: this is the legacy
 * path, frames are handled one at a time anyway.
 */
#include "dco/l2.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/hash.h"
#include "dco/engine.h"
#include "dco/mss.h"

#define L2_SETS 1024u
#define L2_WAYS 4u

struct l2_entry {
	uint8_t mac[L2_MAC_LEN];
	bool used;
	uint32_t peer_id;
	uint64_t seen_ms;
};

struct l2_table {
	pthread_mutex_t lock;
	struct l2_entry e[L2_SETS][L2_WAYS];
	uint32_t seed;
	/* Flood copies: one buffer per worker (and the control plane), as frames are encrypted
	 * in place and a broadcast leaves once per peer. */
	struct pkt_pool scratch[DCO_MAX_WORKERS + 1];
};

bool l2_payload_ok(bool tap, const uint8_t *d, size_t len)
{
	/* A tap takes any frame with a full header: ARP, VLAN tags and
	 * protocols the engine does not know are the LAN's business. */
	if (tap)
		return len >= L2_ETH_HLEN;
	return len >= 20 && (d[0] >> 4 == 4 || d[0] >> 4 == 6);
}

void l2_mss_clamp(bool tap, uint8_t *d, size_t len, uint16_t mss)
{
	uint16_t type;

	if (!tap) {
		mss_clamp(d, len, mss);
		return;
	}
	if (len <= L2_ETH_HLEN)
		return;
	type = load_be16(d + 2 * L2_MAC_LEN);
	if (type == 0x0800u || type == 0x86ddu)
		mss_clamp(d + L2_ETH_HLEN, len - L2_ETH_HLEN, mss);
}

struct l2_table *l2_table_new(void)
{
	struct l2_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->seed = (uint32_t)(uintptr_t)t * 2654435761u;
	for (unsigned i = 0; i <= DCO_MAX_WORKERS; i++)
		if (pkt_pool_init(&t->scratch[i], 1)) {
			l2_table_free(t);
			return NULL;
		}
	return t;
}

void l2_table_free(struct l2_table *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i <= DCO_MAX_WORKERS; i++)
		pkt_pool_free(&t->scratch[i]);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static struct l2_entry *l2_set(struct l2_table *t, const uint8_t *mac)
{
	uint32_t h = fnv1a(t->seed, mac, L2_MAC_LEN);

	return t->e[(h ^ h >> 15) % L2_SETS];
}

static bool l2_is_group(const uint8_t *mac)
{
	return mac[0] & 1u;	/* broadcast or multicast */
}

/* Drop entry @e, giving its count back to its peer if that still lives. */
static void l2_drop(struct dco *dco, struct l2_entry *e)
{
	struct peer *p = peer_find_any(dco, e->peer_id);

	if (p && atomic_load(&p->l2_macs) > 0)
		atomic_fetch_sub(&p->l2_macs, 1);
	e->used = false;
}

/* Who owns @mac: a peer id, or DCO_PEER_ID_NONE (unknown or aged). */
uint32_t l2_lookup(struct l2_table *t, const uint8_t *mac,
			  uint64_t now_ms)
{
	struct l2_entry *set = l2_set(t, mac);
	uint32_t id = DCO_PEER_ID_NONE;

	pthread_mutex_lock(&t->lock);
	for (unsigned i = 0; i < L2_WAYS; i++)
		if (set[i].used && !memcmp(set[i].mac, mac, L2_MAC_LEN) &&
		    now_ms - set[i].seen_ms < L2_AGE_MS)
			id = set[i].peer_id;
	pthread_mutex_unlock(&t->lock);
	return id;
}

/* A free, aged or else the oldest way of @set. */
static struct l2_entry *l2_victim(struct l2_entry *set, uint64_t now_ms)
{
	struct l2_entry *v = &set[0];

	for (unsigned i = 0; i < L2_WAYS; i++) {
		if (!set[i].used || now_ms - set[i].seen_ms >= L2_AGE_MS)
			return &set[i];
		if (set[i].seen_ms < v->seen_ms)
			v = &set[i];
	}
	return v;
}

/* @mac was seen from @p: (re)learn it; false if @p owns too many. */
bool l2_learn(struct dco *dco, struct peer *p, const uint8_t *mac,
		     uint64_t now_ms)
{
	struct l2_table *t = dco->l2;
	struct l2_entry *set = l2_set(t, mac), *e = NULL;
	bool ok = true;

	pthread_mutex_lock(&t->lock);
	for (unsigned i = 0; i < L2_WAYS && !e; i++)
		if (set[i].used && !memcmp(set[i].mac, mac, L2_MAC_LEN))
			e = &set[i];
	if (e && e->peer_id == p->id) {
		e->seen_ms = now_ms;
		goto out;
	}
	if (atomic_load(&p->l2_macs) >= L2_MAX_PER_PEER) {
		ok = false;
		goto out;
	}
	if (!e)
		e = l2_victim(set, now_ms);
	if (e->used)
		l2_drop(dco, e);
	memcpy(e->mac, mac, L2_MAC_LEN);
	e->peer_id = p->id;
	e->seen_ms = now_ms;
	e->used = true;
	atomic_fetch_add(&p->l2_macs, 1);
out:
	pthread_mutex_unlock(&t->lock);
	return ok;
}

void l2_forget_peer(struct l2_table *t, uint32_t id)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	for (unsigned s = 0; s < L2_SETS; s++)
		for (unsigned i = 0; i < L2_WAYS; i++)
			if (t->e[s][i].used && t->e[s][i].peer_id == id)
				t->e[s][i].used = false;
	pthread_mutex_unlock(&t->lock);
}

/* Encrypt and send @p to @dst (on its home); counted on both. */
static void l2_send(struct worker *w, struct peer *dst, struct pkt *p)
{
	tx_forward(w, dst, p);
}

/* A copy of @p to every live peer but @except. */
static void l2_flood(struct worker *w, const struct pkt *p,
		     const struct peer *except)
{
	struct dco *dco = w->dco;
	struct pkt *c = dco->l2->scratch[w->idx].pkts;

	for (unsigned b = 0; b < DCO_PEER_BUCKETS; b++) {
		struct peer *q;

		cds_hlist_for_each_entry_rcu_2(q, &dco->by_id[b], id_node) {
			if (q == except || atomic_load(&q->dead))
				continue;
			pkt_reset(c);
			memcpy(c->data, p->data, p->len);
			c->len = p->len;
			l2_send(w, q, c);
		}
	}
}

void l2_tx_mp(struct worker *w, struct pkt *p, uint64_t now_ms)
{
	struct peer *dst;

	if (p->len < L2_ETH_HLEN) {
		DCO_STAT_ADD(w, (struct peer *)NULL, drop_malformed, 1);
		return;
	}
	if (l2_is_group(p->data)) {
		l2_flood(w, p, NULL);
		return;
	}
	dst = peer_find(w->dco, l2_lookup(w->dco->l2, p->data, now_ms));
	if (!dst) {
		/* unknown unicast: no client owns it (OpenVPN drops it too) */
		DCO_STAT_ADD(w, (struct peer *)NULL, drop_no_route, 1);
		return;
	}
	atomic_store_explicit(&dst->last_tx_ms, now_ms, memory_order_relaxed);
	if (w->dco->mss)
		l2_mss_clamp(true, p->data, p->len, w->dco->mss);
	l2_send(w, dst, p);
}

bool l2_rx_mp(struct worker *w, struct peer *peer, struct pkt *p,
	      uint64_t now_ms)
{
	const uint8_t *src = p->data + L2_MAC_LEN;
	struct peer *dst;

	/* a group address is never a source; nor is a MAC past the bound */
	if (l2_is_group(src) || !l2_learn(w->dco, peer, src, now_ms)) {
		DCO_STAT_ADD(w, peer, drop_bad_source, 1);
		return true;
	}
	if (!w->dco->client_to_client)
		return false;
	if (l2_is_group(p->data)) {
		l2_flood(w, p, peer);
		return false;	/* and to the tap */
	}
	dst = peer_find(w->dco, l2_lookup(w->dco->l2, p->data, now_ms));
	if (!dst || dst == peer)
		return false;
	l2_send(w, dst, p);
	return true;
}
