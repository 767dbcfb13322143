/* The peer table: lookup by peer-id, by transport address, by VPN address. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "base/bytes.h"
#include "dco/engine.h"

static unsigned bucket_of(uint32_t id)
{
	return (id * 2654435761u) >> 24 & (DCO_PEER_BUCKETS - 1);
}

struct peer *peer_find_any(struct dco *dco, uint32_t id)
{
	struct peer *p = dco->buckets[bucket_of(id)];

	while (p && p->id != id)
		p = p->next;
	return p;
}

struct peer *peer_find(struct dco *dco, uint32_t id)
{
	struct peer *p = peer_find_any(dco, id);

	return p && !atomic_load(&p->dead) ? p : NULL;
}

/* Visit every peer; stops early when @fn returns true and returns that peer. */
static struct peer *peer_scan(struct dco *dco,
			      bool (*fn)(struct peer *p, const void *arg),
			      const void *arg)
{
	for (unsigned b = 0; b < DCO_PEER_BUCKETS; b++)
		for (struct peer *p = dco->buckets[b]; p; p = p->next)
			if (!atomic_load(&p->dead) && fn(p, arg))
				return p;
	return NULL;
}

static bool is_any(struct peer *p, const void *arg)
{
	(void)p;
	(void)arg;
	return true;
}

/* P2P: the one peer there is, whatever its id. */
struct peer *peer_only(struct dco *dco)
{
	return dco->n_peers ? peer_scan(dco, is_any, NULL) : NULL;
}

bool sockaddr_equal(const struct sockaddr_storage *a, socklen_t alen,
		    const struct sockaddr_storage *b, socklen_t blen)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return alen == blen && memcmp(a, b, alen) == 0;
}

struct addr_key {
	const struct sockaddr_storage *addr;
	socklen_t len;
};

static bool has_addr(struct peer *p, const void *arg)
{
	const struct addr_key *k = arg;

	struct sockaddr_storage remote;
	socklen_t len;

	if (p->transport != DCO_TRANSPORT_UDP)
		return false;
	len = peer_remote(p, &remote);
	return sockaddr_equal(&remote, len, k->addr, k->len);
}

struct peer *peer_find_by_addr(struct dco *dco, const struct sockaddr_storage *a,
			       socklen_t len)
{
	struct addr_key k = { a, len };

	return peer_scan(dco, has_addr, &k);
}

/* The address at @off of an IPv4 (src 12, dst 16) or IPv6 (8, 24) packet. */
static uint32_t route_of(struct dco *dco, const uint8_t *ip, size_t len,
			 bool dst)
{
	if (len >= 20 && ip[0] >> 4 == 4)
		return route_lookup(&dco->routes, AF_INET, ip + (dst ? 16 : 12));
	if (len >= 40 && ip[0] >> 4 == 6)
		return route_lookup(&dco->routes, AF_INET6, ip + (dst ? 24 : 8));
	return DCO_PEER_ID_NONE;
}

/*
 * Where does a packet read from the tun go? P2P: the peer. MP: the peer
 * owning the longest route to the destination (its address or an iroute).
 */
struct peer *peer_route(struct dco *dco, const uint8_t *ip, size_t len)
{
	uint32_t id;

	if (dco->mode == DCO_MODE_P2P)
		return peer_only(dco);
	id = route_of(dco, ip, len, true);
	return id == DCO_PEER_ID_NONE ? NULL : peer_find(dco, id);
}

bool peer_owns_source(struct dco *dco, const struct peer *p, const uint8_t *ip,
		      size_t len)
{
	return dco->mode == DCO_MODE_P2P || route_of(dco, ip, len, false) == p->id;
}

int peer_add(struct dco *dco, struct peer *p)
{
	unsigned b = bucket_of(p->id);

	if (peer_find_any(dco, p->id))
		return -EEXIST;
	if (dco->mode == DCO_MODE_P2P && dco->n_peers)
		return -EBUSY;
	p->next = dco->buckets[b];
	dco->buckets[b] = p;
	dco->n_peers++;
	return 0;
}

static void peer_remove(struct dco *dco, struct peer *p)
{
	struct peer **pp = &dco->buckets[bucket_of(p->id)];

	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = p->next;
		dco->n_peers--;
	}
}

struct keyslot *peer_key_by_id(struct peer *p, uint8_t key_id)
{
	for (unsigned i = 0; i < 2; i++)
		if (p->slots[i].in_use && p->slots[i].key_id == key_id)
			return &p->slots[i];
	return NULL;
}

/* Wipes the keys; closes the stream of a TCP peer. Caller removed it. */
void peer_free(struct peer *p)
{
	keyslot_clear(&p->slots[0]);
	keyslot_clear(&p->slots[1]);
	if (p->transport == DCO_TRANSPORT_TCP)
		tcp_stream_free(&p->tcp);
	pthread_mutex_destroy(&p->tx_lock);
	free(p);
}

socklen_t peer_remote(struct peer *p, struct sockaddr_storage *out)
{
	socklen_t len;

	pthread_mutex_lock(&p->tx_lock);
	len = p->remote_len;
	memcpy(out, &p->remote, len);
	pthread_mutex_unlock(&p->tx_lock);
	return len;
}

void peer_mark_dead(struct dco *dco, struct peer *p, enum dco_del_reason why)
{
	if (atomic_exchange(&p->dead, true))
		return;
	p->dead_reason = why;
	atomic_store(&dco->reap, true);
}

void peer_reap_dead(struct dco *dco)
{
	atomic_store(&dco->reap, false);
	for (unsigned b = 0; b < DCO_PEER_BUCKETS; b++) {
		struct peer *p = dco->buckets[b];

		while (p) {
			struct peer *following = p->next;

			if (atomic_load(&p->dead))
				peer_delete(dco, p, p->dead_reason);
			p = following;
		}
	}
}

/* Remove, tell the control plane why (unless it asked), free. Write lock. */
void peer_delete(struct dco *dco, struct peer *p, enum dco_del_reason why)
{
	if (p->transport == DCO_TRANSPORT_TCP)
		epoll_ctl(dco->workers[WORKER_LINK].epfd, EPOLL_CTL_DEL,
			  p->tcp.fd, NULL);
	peer_remove(dco, p);
	route_del_peer(&dco->routes, p->id);
	if (why != DCO_DEL_TEARDOWN) {
		struct dco_event ev = {
			.type = DCO_EV_PEER_DELETED,
			.peer_id = p->id,
			.reason = why,
			.fd = -1,
		};

		notify_push(&dco->notify, &ev);
	}
	peer_free(p);
}
