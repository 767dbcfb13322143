/* VPN address -> peer: host routes in a hash, iroutes longest prefix first. */
#include "dco/route.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dcovpn/dco.h"

static unsigned addr_len(int family)
{
	return family == AF_INET ? 4u : family == AF_INET6 ? 16u : 0u;
}

static unsigned host_bucket(int family, const uint8_t *addr)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (unsigned i = 0; i < addr_len(family); i++)
		h = (h ^ addr[i]) * 16777619u;
	return h % ROUTE_BUCKETS;
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

static int host_add(struct route_table *rt, const struct route_entry *e)
{
	unsigned b = host_bucket(e->family, e->addr);
	struct route_node *n;

	for (n = rt->hosts[b]; n; n = n->next)
		if (entry_is(&n->e, e->family, e->addr, e->prefix_len))
			return -EEXIST;
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->e = *e;
	n->next = rt->hosts[b];
	rt->hosts[b] = n;
	return 0;
}

static int net_add(struct route_table *rt, const struct route_entry *e)
{
	unsigned i;

	for (i = 0; i < rt->n_nets; i++)
		if (entry_is(&rt->nets[i], e->family, e->addr, e->prefix_len))
			return -EEXIST;
	if (rt->n_nets == rt->cap_nets) {
		unsigned cap = rt->cap_nets ? rt->cap_nets * 2 : 16;
		struct route_entry *nets = realloc(rt->nets, cap * sizeof(*nets));

		if (!nets)
			return -ENOMEM;
		rt->nets = nets;
		rt->cap_nets = cap;
	}
	/* keep longest prefixes first: the first match is the best */
	for (i = 0; i < rt->n_nets && rt->nets[i].prefix_len >= e->prefix_len; i++)
		;
	memmove(&rt->nets[i + 1], &rt->nets[i],
		(rt->n_nets - i) * sizeof(*rt->nets));
	rt->nets[i] = *e;
	rt->n_nets++;
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
			*pp = n->next;
			free(n);
			return 0;
		}
	}
	return -ENOENT;
}

static void net_remove_at(struct route_table *rt, unsigned i)
{
	memmove(&rt->nets[i], &rt->nets[i + 1],
		(rt->n_nets - i - 1) * sizeof(*rt->nets));
	rt->n_nets--;
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
	for (unsigned i = 0; i < rt->n_nets; i++) {
		if (rt->nets[i].peer_id == peer_id &&
		    entry_is(&rt->nets[i], family, e.addr, prefix_len)) {
			net_remove_at(rt, i);
			return 0;
		}
	}
	return -ENOENT;
}

void route_del_peer(struct route_table *rt, uint32_t peer_id)
{
	for (unsigned b = 0; b < ROUTE_BUCKETS; b++) {
		struct route_node **pp = &rt->hosts[b];

		while (*pp) {
			struct route_node *n = *pp;

			if (n->e.peer_id == peer_id) {
				*pp = n->next;
				free(n);
			} else {
				pp = &n->next;
			}
		}
	}
	for (unsigned i = rt->n_nets; i-- > 0;)
		if (rt->nets[i].peer_id == peer_id)
			net_remove_at(rt, i);
}

static bool net_matches(const struct route_entry *e, const uint8_t *addr)
{
	uint8_t masked[16];
	unsigned len = addr_len(e->family);

	mask_addr(masked, addr, len, e->prefix_len);
	return !memcmp(masked, e->addr, len);
}

uint32_t route_lookup(const struct route_table *rt, int family,
		      const uint8_t *addr)
{
	unsigned len = addr_len(family);
	const struct route_node *n;

	if (!len)
		return DCO_PEER_ID_NONE;
	for (n = rt->hosts[host_bucket(family, addr)]; n; n = n->next)
		if (n->e.family == family && !memcmp(n->e.addr, addr, len))
			return n->e.peer_id;
	for (unsigned i = 0; i < rt->n_nets; i++)
		if (rt->nets[i].family == family && net_matches(&rt->nets[i], addr))
			return rt->nets[i].peer_id;
	return DCO_PEER_ID_NONE;
}
