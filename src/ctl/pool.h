/*
 * The server's dynamic address pool (--ifconfig-pool, or the one `server`
 * implies), IPv4 with an IPv6 address per entry in step (server-ipv6), as
 * OpenVPN's pool.c: with topology subnet an entry is one address; with
 * net30 a /30 whose .2 is the client and .1 its peer. Entries remember the
 * common name that held them, so a returning client gets its address
 * again; --ifconfig-pool-persist keeps that across restarts in OpenVPN's
 * file format ("CN,IPv4,IPv6" per line).
 */
#ifndef DCOVPN_CTL_POOL_H
#define DCOVPN_CTL_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

struct pool_entry {
	bool in_use;
	char *cn;                    /* last holder, NULL if none */
	uint32_t name_next;          /* same name bucket: index + 1, 0 ends */
};

/* Entries found lowest index first without a scan: a bit per entry and a
 * bit per 64-entry word that has one set (POOL_MAX_ENTRIES = 64 * 64 *
 * 16). A pick cost a walk over every entry in use before. */
struct pool_bits {
	uint64_t *w;
	uint64_t sum[16];
};

struct pool {
	bool net30;
	uint32_t start;              /* host order: first address / block */
	size_t n;
	struct pool_entry *e;
	bool has6;
	struct in6_addr base6;       /* entry i gets base6 + i */
	bool dup_cn;                 /* duplicate-cn: never reuse by name */
	struct pool_bits free;       /* not in use */
	struct pool_bits fresh;      /* not in use and no last holder */
	uint32_t *name_head;         /* by last holder's name: index + 1 */
	uint32_t name_mask;          /* buckets - 1 */
};

/* [start, end] inclusive (host order). 0, -EINVAL (empty) or -ENOMEM. */
int pool_init(struct pool *p, uint32_t start, uint32_t end, bool net30,
	      const struct in6_addr *base6, bool dup_cn);
void pool_free(struct pool *p);

/* An entry for @cn (its former one if free), or -ENOSPC. */
int pool_acquire(struct pool *p, const char *cn);
void pool_release(struct pool *p, int idx);
/* Client address and its peer/netmask as pushed in "ifconfig". */
void pool_addr4(const struct pool *p, int idx, struct in_addr *local);
void pool_addr6(const struct pool *p, int idx, struct in6_addr *out);
/* Index of @a in the pool, or -1. */
int pool_find4(const struct pool *p, struct in_addr a);

/* ifconfig-pool-persist: read from @f (comment lines, broken lines and
 * addresses outside the pool are skipped) and write to @f. The caller
 * owns the file (the daemon keeps it open across restarts). 0 or -errno. */
int pool_load(struct pool *p, FILE *f);
int pool_save(const struct pool *p, FILE *f);

#endif
