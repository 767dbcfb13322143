/*
 * The internal multiplexer's table (MP mode): which peer owns a VPN address.
 * Host routes (a peer's own /32 or /128) sit in a hash for O(1) lookups with
 * thousands of peers; network routes (iroutes) are few and kept longest
 * prefix first, in an array replaced whole on every change. Read by the
 * workers without a lock (RCU: route_lookup in a read-side section);
 * changed by one writer at a time (the engine's cfg_lock); what a change
 * removes is freed after a grace period (call_rcu). The host routes are
 * also chained by owner (writer side only), so that removing a peer costs
 * its own routes, not a walk over every client's.
 */
#ifndef DCOVPN_DCO_ROUTE_H
#define DCOVPN_DCO_ROUTE_H

#include <stdatomic.h>
#include <stdint.h>

#include "dco/rcu.h"

#define ROUTE_BUCKETS 4096u

struct route_entry {
	uint32_t peer_id;
	uint8_t family;      /* AF_INET or AF_INET6 */
	uint8_t prefix_len;
	uint8_t addr[16];    /* network address, host bits cleared */
	/* stale-routes-check: when a packet last went by this route (tun
	 * to peer, or from the peer as its source); set when added. Stored
	 * relaxed by the workers, at most once a second (route_lookup). */
	_Atomic uint64_t used_ms;
};

struct route_node {
	struct route_entry e;
	struct route_node *next;    /* RCU: the address bucket's chain */
	struct route_node *peer_next; /* writer only: the owner bucket's */
	struct rcu_head rcu;
};

struct route_nets {
	struct rcu_head rcu;
	unsigned n;
	struct route_entry e[];     /* sorted by prefix_len, longest first */
};

struct route_table {
	struct route_node *hosts[ROUTE_BUCKETS]; /* RCU chains, by address */
	/* the same nodes by peer_id (writer only: readers never see it) */
	struct route_node *by_peer[ROUTE_BUCKETS];
	struct route_nets *nets;    /* RCU; NULL: no network routes */
};

void route_init(struct route_table *rt);
/* Immediately: no reader may be left. */
void route_free(struct route_table *rt);
/* 0, -EEXIST (that exact route exists), -EINVAL, -ENOMEM. */
int route_add(struct route_table *rt, uint32_t peer_id, int family,
	      const void *addr, unsigned prefix_len);
/* 0 or -ENOENT (no such route of that peer). */
int route_del(struct route_table *rt, uint32_t peer_id, int family,
	      const void *addr, unsigned prefix_len);
/* All of @peer_id's routes: its host routes through the owner chain (a
 * few nodes, whatever the number of peers), then the network routes if it
 * has any. Writer side. */
void route_del_peer(struct route_table *rt, uint32_t peer_id);
/* The peer owning @addr (longest match), or DCO_PEER_ID_NONE; the route
 * found is marked used at @now_ms (0: not marked). */
uint32_t route_lookup(struct route_table *rt, int family, const uint8_t *addr,
		      uint64_t now_ms);
/*
 * stale-routes-check: remove the routes not used since @before_ms, each
 * copied to @out (at most @max are removed; call again while it returns
 * @max). Returns how many were removed, or -ENOMEM. Writer side, as
 * route_add.
 */
int route_expire(struct route_table *rt, uint64_t before_ms,
		 struct route_entry *out, unsigned max);

#endif
