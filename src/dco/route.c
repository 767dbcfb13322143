/* VPN address -> peer: host routes in a hash, iroutes longest prefix first. */
#include "dco/route.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/clock.h"
#include "base/hash.h"
#include "dcovpn/dco.h"

/* How stale a route's use mark may get before a worker renews it: one
 * store a second per route, not one per packet on a shared line. */
#define ROUTE_TOUCH_MS 1000u

static unsigned addr_len(int family)
{
	return family == AF_INET ? 4u : family == AF_INET6 ? 16u : 0u;
}

static unsigned host_bucket(int family, const uint8_t *addr)
{
	return fnv1a(FNV1A_INIT, addr, addr_len(family)) % ROUTE_BUCKETS;
}

/* Peer ids are small and handed out densely: consecutive ids land in
 * consecutive buckets. */
static unsigned peer_bucket(uint32_t peer_id)
{
	return peer_id % ROUTE_BUCKETS;
}

/* Clear host bits so that a route is stored in one canonical form. */
static void mask_addr(uint8_t *out, const uint8_t *in, unsigned len,
		      unsigned prefix_len)
{
	for (unsigned i = 0; i < len; i++) {
		unsigned bits = prefix_len > i * 8 ? prefix_len - i * 8 : 0;

		out[i] = bits >= 8 ? in[i] : (uint8_t)(in[i] & (0xff00u >> bits));
	}
}

static bool entry_is(const struct route_entry *e, int family,
		     const uint8_t *addr, unsigned prefix_len)
{
	return e->family == family && e->prefix_len == prefix_len &&
	       !memcmp(e->addr, addr, addr_len(family));
}

/* A copy of @src (its use mark read atomically: workers store it). */
static void entry_copy(struct route_entry *dst, const struct route_entry *src)
{
	dst->peer_id = src->peer_id;
	dst->family = src->family;
	dst->prefix_len = src->prefix_len;
	memcpy(dst->addr, src->addr, sizeof(dst->addr));
	atomic_store_explicit(&dst->used_ms,
			      atomic_load_explicit(&src->used_ms,
						   memory_order_relaxed),
			      memory_order_relaxed);
}

void route_init(struct route_table *rt)
{
	memset(rt, 0, sizeof(*rt));
}

void route_free(struct route_table *rt)
{
	for (unsigned b = 0; b < ROUTE_BUCKETS; b++) {
		while (rt->hosts[b]) {
			struct route_node *n = rt->hosts[b];

			rt->hosts[b] = n->next;
			free(n);
		}
	}
	free(rt->nets);
	memset(rt, 0, sizeof(*rt));
}

static void node_free_rcu(struct rcu_head *head)
{
	rcu_reclaim_begin(head);
	free(caa_container_of(head, struct route_node, rcu));
}

static void nets_free_rcu(struct rcu_head *head)
{
	rcu_reclaim_begin(head);
	free(caa_container_of(head, struct route_nets, rcu));
}

static int host_add(struct route_table *rt, const struct route_entry *e)
{
	unsigned b = host_bucket(e->family, e->addr);
	struct route_node *n;

	for (n = rt->hosts[b]; n; n = n->next)
		if (entry_is(&n->e, e->family, e->addr, e->prefix_len))
			return -EEXIST;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	entry_copy(&n->e, e);
	n->peer_next = rt->by_peer[peer_bucket(e->peer_id)];
	rt->by_peer[peer_bucket(e->peer_id)] = n;
	n->next = rt->hosts[b];
	rcu_assign_pointer(rt->hosts[b], n);
	return 0;
}

/* Take @n off its owner chain (no reader walks it). */
static void owner_unlink(struct route_table *rt, const struct route_node *n)
{
	struct route_node **pp = &rt->by_peer[peer_bucket(n->e.peer_id)];

	while (*pp != n)
		pp = &(*pp)->peer_next;
	*pp = n->peer_next;
}

/* Unlink *pp from its address chain (a reader on it still finds its
 * successor: n->next stays) and its owner chain; free it later. */
static void host_unlink(struct route_table *rt, struct route_node **pp)
{
	struct route_node *n = *pp;

	owner_unlink(rt, n);
	rcu_assign_pointer(*pp, n->next);
	rcu_retire(&n->rcu, node_free_rcu);
}

/* Where the address chain points at @n. */
static struct route_node **host_link_to(struct route_table *rt,
					const struct route_node *n)
{
	struct route_node **pp = &rt->hosts[host_bucket(n->e.family, n->e.addr)];

	while (*pp != n)
		pp = &(*pp)->next;
	return pp;
}

/* A copy of @old with room for @extra more entries. */
static struct route_nets *nets_copy(const struct route_nets *old, unsigned extra)
{
	unsigned n = old ? old->n : 0;
	struct route_nets *nets = malloc(sizeof(*nets) +
					 (n + extra) * sizeof(nets->e[0]));

	if (!nets)
		return NULL;
	nets->n = n;
	for (unsigned i = 0; i < n; i++)
		entry_copy(&nets->e[i], &old->e[i]);
	return nets;
}

/* Readers switch to @nets at once; the old array goes after them. */
static void nets_publish(struct route_table *rt, struct route_nets *nets)
{
	struct route_nets *old = rt->nets;

	rcu_assign_pointer(rt->nets, nets);
	if (old)
		rcu_retire(&old->rcu, nets_free_rcu);
}

static int net_add(struct route_table *rt, const struct route_entry *e)
{
	const struct route_nets *old = rt->nets;
	struct route_nets *nets;
	unsigned i;

	for (i = 0; old && i < old->n; i++)
		if (entry_is(&old->e[i], e->family, e->addr, e->prefix_len))
			return -EEXIST;
	nets = nets_copy(old, 1);
	if (!nets)
		return -ENOMEM;
	/* keep longest prefixes first: the first match is the best */
	for (i = 0; i < nets->n && nets->e[i].prefix_len >= e->prefix_len; i++)
		;
	/* not yet published: no worker stores into it */
	memmove(&nets->e[i + 1], &nets->e[i], (nets->n - i) * sizeof(nets->e[0]));
	entry_copy(&nets->e[i], e);
	nets->n++;
	nets_publish(rt, nets);
	return 0;
}

static int route_entry_make(struct route_entry *e, uint32_t peer_id, int family,
			    const void *addr, unsigned prefix_len)
{
	unsigned len = addr_len(family);

	if (!len || !addr || prefix_len > len * 8)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->peer_id = peer_id;
	e->family = (uint8_t)family;
	e->prefix_len = (uint8_t)prefix_len;
	mask_addr(e->addr, addr, len, prefix_len);
	atomic_store_explicit(&e->used_ms, clock_now_ms(), memory_order_relaxed);
	return 0;
}

int route_add(struct route_table *rt, uint32_t peer_id, int family,
	      const void *addr, unsigned prefix_len)
{
	struct route_entry e;
	int err = route_entry_make(&e, peer_id, family, addr, prefix_len);

	if (err)
		return err;
	if (prefix_len == addr_len(family) * 8)
		return host_add(rt, &e);
	return net_add(rt, &e);
}

static int host_del(struct route_table *rt, const struct route_entry *e)
{
	struct route_node **pp = &rt->hosts[host_bucket(e->family, e->addr)];

	for (; *pp; pp = &(*pp)->next) {
		struct route_node *n = *pp;

		if (n->e.peer_id == e->peer_id &&
		    entry_is(&n->e, e->family, e->addr, e->prefix_len)) {
			host_unlink(rt, pp);
			return 0;
		}
	}
	return -ENOENT;
}

/* Publish the network routes without those @drop selects; -ENOENT if it
 * selects none. */
static int nets_filter(struct route_table *rt,
		       bool (*drop)(const struct route_entry *e, const void *arg),
		       const void *arg)
{
	const struct route_nets *old = rt->nets;
	struct route_nets *nets;
	unsigned kept = 0, i;

	/* most removals (a peer without iroutes) drop nothing: no copy */
	for (i = 0; old && i < old->n && !drop(&old->e[i], arg); i++)
		;
	if (!old || i == old->n)
		return -ENOENT;
	nets = nets_copy(old, 0);
	if (!nets)
		return -ENOMEM;
	/* e[i] is dropped; @drop (it may count) is asked once per entry */
	for (kept = i++; i < old->n; i++)
		if (!drop(&old->e[i], arg))
			entry_copy(&nets->e[kept++], &old->e[i]);
	nets->n = kept;
	nets_publish(rt, nets);
	return 0;
}

static bool is_route(const struct route_entry *e, const void *arg)
{
	const struct route_entry *want = arg;

	return e->peer_id == want->peer_id &&
	       entry_is(e, want->family, want->addr, want->prefix_len);
}

static bool is_of_peer(const struct route_entry *e, const void *arg)
{
	return e->peer_id == *(const uint32_t *)arg;
}

int route_del(struct route_table *rt, uint32_t peer_id, int family,
	      const void *addr, unsigned prefix_len)
{
	struct route_entry e;
	int err = route_entry_make(&e, peer_id, family, addr, prefix_len);

	if (err)
		return err;
	if (prefix_len == addr_len(family) * 8)
		return host_del(rt, &e);
	return nets_filter(rt, is_route, &e);
}

void route_del_peer(struct route_table *rt, uint32_t peer_id)
{
	struct route_node **pp = &rt->by_peer[peer_bucket(peer_id)];

	while (*pp) {
		if ((*pp)->e.peer_id == peer_id)
			host_unlink(rt, host_link_to(rt, *pp));
		else
			pp = &(*pp)->peer_next;
	}
	nets_filter(rt, is_of_peer, &peer_id);
}

static bool net_matches(const struct route_entry *e, const uint8_t *addr)
{
	uint8_t masked[16];
	unsigned len = addr_len(e->family);

	mask_addr(masked, addr, len, e->prefix_len);
	return !memcmp(masked, e->addr, len);
}

static uint32_t entry_use(struct route_entry *e, uint64_t now_ms)
{
	uint64_t used = atomic_load_explicit(&e->used_ms, memory_order_relaxed);

	if (now_ms && now_ms >= used + ROUTE_TOUCH_MS)
		atomic_store_explicit(&e->used_ms, now_ms, memory_order_relaxed);
	return e->peer_id;
}

uint32_t route_lookup(struct route_table *rt, int family, const uint8_t *addr,
		      uint64_t now_ms)
{
	unsigned len = addr_len(family);
	struct route_node *n;
	struct route_nets *nets;

	if (!len)
		return DCO_PEER_ID_NONE;
	for (n = rcu_dereference(rt->hosts[host_bucket(family, addr)]); n;
	     n = rcu_dereference(n->next))
		if (n->e.family == family && !memcmp(n->e.addr, addr, len))
			return entry_use(&n->e, now_ms);
	nets = rcu_dereference(rt->nets);
	for (unsigned i = 0; nets && i < nets->n; i++)
		if (nets->e[i].family == family && net_matches(&nets->e[i], addr))
			return entry_use(&nets->e[i], now_ms);
	return DCO_PEER_ID_NONE;
}

/* route_expire's state across the host chains and the network routes. */
struct expiry {
	uint64_t before_ms;
	struct route_entry *out;
	unsigned max, n;
};

static bool expired(const struct route_entry *e, const void *arg)
{
	struct expiry *x = (struct expiry *)arg;

	if (x->n >= x->max ||
	    atomic_load_explicit(&e->used_ms, memory_order_relaxed) >= x->before_ms)
		return false;
	entry_copy(&x->out[x->n++], e);
	return true;
}

int route_expire(struct route_table *rt, uint64_t before_ms,
		 struct route_entry *out, unsigned max)
{
	struct expiry x = { before_ms, out, max, 0 };

	for (unsigned b = 0; b < ROUTE_BUCKETS && x.n < max; b++) {
		struct route_node **pp = &rt->hosts[b];

		while (*pp) {
			if (expired(&(*pp)->e, &x))
				host_unlink(rt, pp);
			else
				pp = &(*pp)->next;
		}
	}
	if (x.n < max && nets_filter(rt, expired, &x) == -ENOMEM)
		return -ENOMEM;
	return (int)x.n;
}
