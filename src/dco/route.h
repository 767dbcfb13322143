/*
 * The internal multiplexer's table (MP mode): which peer owns a VPN address.
 * Host routes (a peer's own /32 or /128) sit in a hash for O(1) lookups with
 * thousands of peers; network routes (iroutes) are few and kept longest
 * prefix first. Read by the workers under the read lock, changed under the
 * write lock.
 */
#ifndef DCOVPN_DCO_ROUTE_H
#define DCOVPN_DCO_ROUTE_H

#include <stdint.h>

#define ROUTE_BUCKETS 4096u

struct route_entry {
	uint32_t peer_id;
	uint8_t family;      /* AF_INET or AF_INET6 */
	uint8_t prefix_len;
	uint8_t addr[16];    /* network address, host bits cleared */
};

struct route_node {
	struct route_entry e;
	struct route_node *next;
};

struct route_table {
	struct route_node *hosts[ROUTE_BUCKETS];
	struct route_entry *nets;   /* sorted by prefix_len, longest first */
	unsigned n_nets, cap_nets;
};

void route_init(struct route_table *rt);
void route_free(struct route_table *rt);
/* 0, -EEXIST (that exact route exists), -EINVAL, -ENOMEM. */
int route_add(struct route_table *rt, uint32_t peer_id, int family,
	      const void *addr, unsigned prefix_len);
/* 0 or -ENOENT (no such route of that peer). */
int route_del(struct route_table *rt, uint32_t peer_id, int family,
	      const void *addr, unsigned prefix_len);
void route_del_peer(struct route_table *rt, uint32_t peer_id);
/* The peer owning @addr (longest match), or DCO_PEER_ID_NONE. */
uint32_t route_lookup(const struct route_table *rt, int family,
		      const uint8_t *addr);

#endif
