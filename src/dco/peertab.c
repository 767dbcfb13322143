/*
 * The peer tables: by peer-id, by transport address (UDP peers), and the
 * one peer of P2P mode. Read by the workers without a lock (RCU lists, see
 * engine.h); changed under cfg_lock, the address table also under
 * addr_lock since a worker moves a floating peer in it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "base/sockaddr.h"
#include "dco/engine.h"

static unsigned bucket_of(uint32_t id)
{
	return (id * 2654435761u) >> 16 & (DCO_PEER_BUCKETS - 1);
}

struct peer *peer_find_any(struct dco *dco, uint32_t id)
{
	struct peer *p;

	cds_hlist_for_each_entry_rcu_2(p, &dco->by_id[bucket_of(id)], id_node)
		if (p->id == id)
			return p;
	return NULL;
}

struct peer *peer_find(struct dco *dco, uint32_t id)
{
	struct peer *p = peer_find_any(dco, id);

	return p && !atomic_load(&p->dead) ? p : NULL;
}

/* P2P: the one peer there is, whatever its id. */
struct peer *peer_only(struct dco *dco)
{
	struct peer *p = rcu_dereference(dco->p2p);

	return p && !atomic_load(&p->dead) ? p : NULL;
}

/* Hash what sockaddr_equal compares. Seeded per instance: the sender picks
 * the address, and must not be able to pile its packets into one chain. */
static unsigned addr_bucket(const struct dco *dco,
			    const struct sockaddr_storage *a, socklen_t len)
{
	uint32_t h = sockaddr_hash(dco->addr_seed, a, len);

	return (h ^ h >> 15) & (DCO_ADDR_BUCKETS - 1);
}

struct peer *peer_find_by_addr(struct dco *dco, const struct sockaddr_storage *a,
			       socklen_t len)
{
	struct peer_addr *e;

	cds_hlist_for_each_entry_rcu_2(e, &dco->by_addr[addr_bucket(dco, a, len)],
				       node)
		if (sockaddr_equal(&e->addr, e->len, a, len) &&
		    !atomic_load(&e->peer->dead))
			return e->peer;
	return NULL;
}

struct peer_addr *peer_addr_new(struct peer *p, const struct sockaddr_storage *a,
				socklen_t len, const struct pkt_local *local)
{
	struct peer_addr *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->peer = p;
	e->len = len;
	memcpy(&e->addr, a, len);
	e->local = *local;
	return e;
}

static void peer_addr_free_rcu(struct rcu_head *head)
{
	rcu_reclaim_begin(head);
	free(caa_container_of(head, struct peer_addr, rcu));
}

/* cfg_lock held. @p->remote was set up by the caller (UDP) or is NULL. */
int peer_add(struct dco *dco, struct peer *p)
{
	if (peer_find_any(dco, p->id))
		return -EEXIST;
	if (dco->mode == DCO_MODE_P2P && dco->n_peers)
		return -EBUSY;
	cds_hlist_add_head_rcu(&p->id_node, &dco->by_id[bucket_of(p->id)]);
	if (p->remote) {
		pthread_mutex_lock(&dco->addr_lock);
		cds_hlist_add_head_rcu(&p->remote->node,
				       &dco->by_addr[addr_bucket(dco, &p->remote->addr,
								 p->remote->len)]);
		pthread_mutex_unlock(&dco->addr_lock);
	}
	if (dco->mode == DCO_MODE_P2P)
		rcu_assign_pointer(dco->p2p, p);
	dco->n_peers++;
	return 0;
}

/* cfg_lock held. Readers may still see @p until a grace period passed. */
void peer_unlink(struct dco *dco, struct peer *p)
{
	cds_hlist_del_rcu(&p->id_node);
	pthread_mutex_lock(&dco->addr_lock);
	if (p->remote)
		cds_hlist_del_rcu(&p->remote->node);
	p->unlinked = true;
	pthread_mutex_unlock(&dco->addr_lock);
	if (dco->p2p == p)
		rcu_assign_pointer(dco->p2p, NULL);
	dco->n_peers--;
}

bool peer_float(struct worker *w, struct peer *p,
		const struct sockaddr_storage *addr, socklen_t len,
		const struct pkt_local *local)
{
	struct dco *dco = w->dco;
	struct peer_addr *old = rcu_dereference(p->remote), *e;
	bool moved;

	/* (without multihome, local is none on both sides: one compare) */
	if (!old)
		return false;
	moved = !sockaddr_equal(&old->addr, old->len, addr, len);
	if (!moved && pkt_local_equal(&old->local, local))
		return false;
	e = peer_addr_new(p, addr, len, local);
	if (!e)
		return false;
	worker_lock(w, &dco->addr_lock);
	old = p->remote;
	if (p->unlinked) {
		/* deleted meanwhile: it keeps the address it had */
		pthread_mutex_unlock(&dco->addr_lock);
		free(e);
		return false;
	}
	cds_hlist_add_head_rcu(&e->node,
			       &dco->by_addr[addr_bucket(dco, addr, len)]);
	rcu_assign_pointer(p->remote, e);
	cds_hlist_del_rcu(&old->node);
	pthread_mutex_unlock(&dco->addr_lock);
	rcu_retire(&old->rcu, peer_addr_free_rcu);
	return moved;
}

socklen_t peer_remote(struct peer *p, struct sockaddr_storage *out,
		      struct pkt_local *local)
{
	struct peer_addr *e = rcu_dereference(p->remote);

	if (!e) {
		local->family = 0;
		return 0;
	}
	memcpy(out, &e->addr, e->len);
	*local = e->local;
	return e->len;
}

/* The control plane is no RCU reader: addr_lock keeps a float from freeing
 * the address while it is copied. */
socklen_t peer_remote_ctl(struct dco *dco, struct peer *p,
			  struct sockaddr_storage *out, struct pkt_local *local)
{
	socklen_t len;

	pthread_mutex_lock(&dco->addr_lock);
	len = peer_remote(p, out, local);
	pthread_mutex_unlock(&dco->addr_lock);
	return len;
}

/* The address at @off of an IPv4 (src 12, dst 16) or IPv6 (8, 24) packet;
 * the route found is marked used at @now_ms. */
static uint32_t route_of(struct dco *dco, const uint8_t *ip, size_t len,
			 bool dst, uint64_t now_ms)
{
	if (len >= 20 && ip[0] >> 4 == 4)
		return route_lookup(&dco->routes, AF_INET, ip + (dst ? 16 : 12),
				    now_ms);
	if (len >= 40 && ip[0] >> 4 == 6)
		return route_lookup(&dco->routes, AF_INET6, ip + (dst ? 24 : 8),
				    now_ms);
	return DCO_PEER_ID_NONE;
}

/*
 * Where does a packet read from the tun go? P2P: the peer. MP: the peer
 * owning the longest route to the destination (its address or an iroute).
 */
struct peer *peer_route(struct dco *dco, const uint8_t *ip, size_t len,
			uint64_t now_ms)
{
	uint32_t id;

	if (dco->mode == DCO_MODE_P2P)
		return peer_only(dco);
	id = route_of(dco, ip, len, true, now_ms);
	return id == DCO_PEER_ID_NONE ? NULL : peer_find(dco, id);
}

bool peer_owns_source(struct dco *dco, const struct peer *p, const uint8_t *ip,
		      size_t len, uint64_t now_ms)
{
	return dco->mode == DCO_MODE_P2P ||
	       route_of(dco, ip, len, false, now_ms) == p->id;
}
