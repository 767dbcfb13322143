/* A peer's life: its key slots, death by a worker, deletion, freeing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "dco/engine.h"
#include "dco/l2.h"

struct keyslot *peer_key_by_id(struct peer *p, uint8_t key_id)
{
	for (unsigned i = 0; i < 2; i++) {
		struct keyslot *ks = rcu_dereference(p->slots[i]);

		if (ks && ks->key_id == key_id)
			return ks;
	}
	return NULL;
}

static void peer_key_free(struct keyslot *ks)
{
	struct peer_key *k = caa_container_of(ks, struct peer_key, ks);

	keyslot_clear(&k->ks);
	free(k);
}

static void peer_key_free_rcu(struct rcu_head *head)
{
	rcu_reclaim_begin(head);
	peer_key_free(&caa_container_of(head, struct peer_key, rcu)->ks);
}

/* Publishing is one pointer store: a worker encrypts with the old key or
 * the new one, and never waits for the install. */
void peer_set_key(struct peer *p, unsigned idx, struct keyslot *fresh)
{
	struct keyslot *old = rcu_xchg_pointer(&p->slots[idx], fresh);

	if (old)
		rcu_retire(&caa_container_of(old, struct peer_key, ks)->rcu,
			 peer_key_free_rcu);
}

/* Wipes the keys; closes the stream of a TCP peer. Nobody may hold it. */
void peer_free(struct peer *p)
{
	for (unsigned i = 0; i < 2; i++)
		if (p->slots[i])
			peer_key_free(p->slots[i]);
	if (p->transport == DCO_TRANSPORT_TCP)
		tcp_stream_free(&p->tcp);
	free(p->remote);
	pthread_mutex_destroy(&p->tx_lock);
	free(p);
}

static void peer_free_rcu(struct rcu_head *head)
{
	rcu_reclaim_begin(head);
	peer_free(caa_container_of(head, struct peer, rcu));
}

void peer_mark_dead(struct dco *dco, struct peer *p, enum dco_del_reason why)
{
	if (atomic_exchange(&p->dead, true))
		return;
	p->dead_reason = why;
	atomic_store(&dco->reap, true);
}

/* cfg_lock held. */
void peer_reap_dead(struct dco *dco)
{
	atomic_store(&dco->reap, false);
	for (unsigned b = 0; b < DCO_PEER_BUCKETS; b++) {
		struct peer *p, *next;

		/* the _2 form: the stock _safe one computes an entry from the
		 * NULL that ends the list (undefined; UBSan aborts on it) */
		cds_hlist_for_each_entry_safe_2(p, next, &dco->by_id[b], id_node)
			if (atomic_load(&p->dead))
				peer_delete(dco, p, p->dead_reason);
	}
}

/* Take @p out of every table and the TCP worker's epoll. cfg_lock held. */
static void peer_detach(struct dco *dco, struct peer *p)
{
	if (p->transport == DCO_TRANSPORT_TCP) {
		/* its backlog must not keep the tun paused */
		backlog_close(dco, p);
		epoll_ctl(peer_home(dco, p)->epfd, EPOLL_CTL_DEL, p->tcp.fd,
			  NULL);
	}
	peer_unlink(dco, p);
	route_del_peer(&dco->routes, p->id);
}

/* Remove, tell the control plane why (unless it asked), free after a
 * grace period. cfg_lock held. */
void peer_delete(struct dco *dco, struct peer *p, enum dco_del_reason why)
{
	peer_detach(dco, p);
	l2_forget_peer(dco->l2, p->id);
	if (why != DCO_DEL_TEARDOWN) {
		struct dco_event ev = {
			.type = DCO_EV_PEER_DELETED,
			.peer_id = p->id,
			.reason = why,
			.fd = -1,
		};

		notify_push(&dco->notify, &ev);
	}
	rcu_retire(&p->rcu, peer_free_rcu);
}
