/* Dynamic address pool. See pool.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "ctl/pool.h"

#define POOL_MAX_ENTRIES 65536u

static void bits_set(struct pool_bits *b, size_t i, bool on)
{
	uint64_t *w = &b->w[i / 64];

	if (on)
		*w |= 1ull << (i % 64);
	else
		*w &= ~(1ull << (i % 64));
	if (*w)
		b->sum[i / 4096] |= 1ull << (i / 64 % 64);
	else
		b->sum[i / 4096] &= ~(1ull << (i / 64 % 64));
}

/* The lowest index set, or -1. */
static int bits_first(const struct pool_bits *b)
{
	for (size_t s = 0; s < sizeof(b->sum) / sizeof(b->sum[0]); s++) {
		if (b->sum[s]) {
			size_t w = s * 64 + (size_t)__builtin_ctzll(b->sum[s]);

			return (int)(w * 64 + (size_t)__builtin_ctzll(b->w[w]));
		}
	}
	return -1;
}

static uint32_t name_bucket(const struct pool *p, const char *cn)
{
	return fnv1a(FNV1A_INIT, cn, strlen(cn)) & p->name_mask;
}

/* Entry @i's bits from its state. */
static void entry_sync(struct pool *p, size_t i)
{
	bits_set(&p->free, i, !p->e[i].in_use);
	bits_set(&p->fresh, i, !p->e[i].in_use && !p->e[i].cn);
}

static void name_unlink(struct pool *p, size_t i)
{
	uint32_t *at = &p->name_head[name_bucket(p, p->e[i].cn)];

	while (*at != i + 1)
		at = &p->e[*at - 1].name_next;
	*at = p->e[i].name_next;
	p->e[i].name_next = 0;
}

/* Remember @cn as the last holder of entry @i. */
static void entry_name(struct pool *p, size_t i, const char *cn)
{
	struct pool_entry *e = &p->e[i];

	if (e->cn) {
		name_unlink(p, i);
		free(e->cn);
	}
	e->cn = cn[0] ? strdup(cn) : NULL;
	if (e->cn) {
		uint32_t *head = &p->name_head[name_bucket(p, e->cn)];

		e->name_next = *head;
		*head = (uint32_t)i + 1;
	}
	entry_sync(p, i);
}

static int pool_alloc(struct pool *p)
{
	size_t words = (p->n + 63) / 64, buckets = 64;

	while (buckets < p->n)
		buckets <<= 1;
	p->e = calloc(p->n, sizeof(*p->e));
	p->free.w = calloc(words, sizeof(uint64_t));
	p->fresh.w = calloc(words, sizeof(uint64_t));
	p->name_head = calloc(buckets, sizeof(*p->name_head));
	if (!p->e || !p->free.w || !p->fresh.w || !p->name_head)
		return -ENOMEM;
	p->name_mask = (uint32_t)buckets - 1;
	for (size_t i = 0; i < p->n; i++)
		entry_sync(p, i);
	return 0;
}

int pool_init(struct pool *p, uint32_t start, uint32_t end, bool net30,
	      const struct in6_addr *base6, bool dup_cn)
{
	size_t n;

	memset(p, 0, sizeof(*p));
	if (end < start)
		return -EINVAL;
	if (net30) {
		start &= ~3u;
		n = ((size_t)end - start + 1) / 4;
	} else {
		n = (size_t)end - start + 1;
	}
	if (!n)
		return -EINVAL;
	if (n > POOL_MAX_ENTRIES)
		n = POOL_MAX_ENTRIES;
	p->n = n;
	if (pool_alloc(p)) {
		pool_free(p);
		return -ENOMEM;
	}
	p->net30 = net30;
	p->start = start;
	p->dup_cn = dup_cn;
	if (base6) {
		p->has6 = true;
		p->base6 = *base6;
	}
	return 0;
}

void pool_free(struct pool *p)
{
	for (size_t i = 0; p->e && i < p->n; i++)
		free(p->e[i].cn);
	free(p->e);
	free(p->free.w);
	free(p->fresh.w);
	free(p->name_head);
	memset(p, 0, sizeof(*p));
}

/* The lowest free entry whose last holder was @cn, or -1. */
static int pick_by_name(const struct pool *p, const char *cn)
{
	int best = -1;

	for (uint32_t at = p->name_head[name_bucket(p, cn)]; at;
	     at = p->e[at - 1].name_next) {
		const struct pool_entry *e = &p->e[at - 1];

		if (!e->in_use && !strcmp(e->cn, cn) &&
		    (best < 0 || at - 1 < (uint32_t)best))
			best = (int)(at - 1);
	}
	return best;
}

/* Free entry matching: 0 this CN, 1 never used, 2 any; the lowest. */
static int pool_pick(const struct pool *p, const char *cn, int pass)
{
	if (pass == 0)
		return pick_by_name(p, cn);
	return bits_first(pass == 1 ? &p->fresh : &p->free);
}

int pool_acquire(struct pool *p, const char *cn)
{
	int idx = -1;

	if (!cn)
		cn = "";
	for (int pass = (p->dup_cn || !cn[0]) ? 1 : 0; pass < 3 && idx < 0; pass++)
		idx = pool_pick(p, cn, pass);
	if (idx < 0)
		return -ENOSPC;
	p->e[idx].in_use = true;
	entry_name(p, (size_t)idx, cn);
	return idx;
}

void pool_release(struct pool *p, int idx)
{
	if (idx >= 0 && (size_t)idx < p->n) {
		p->e[idx].in_use = false;
		entry_sync(p, (size_t)idx);
	}
}

void pool_addr4(const struct pool *p, int idx, struct in_addr *local)
{
	uint32_t a = p->net30 ? p->start + 4u * (uint32_t)idx + 2u :
				p->start + (uint32_t)idx;

	local->s_addr = htonl(a);
}

void pool_addr6(const struct pool *p, int idx, struct in6_addr *out)
{
	uint32_t carry = (uint32_t)idx;

	*out = p->base6;
	for (int i = 15; i >= 0 && carry; i--) {
		uint32_t v = out->s6_addr[i] + (carry & 0xffu);

		out->s6_addr[i] = (uint8_t)v;
		carry = (carry >> 8) + (v >> 8);
	}
}

int pool_find4(const struct pool *p, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if (h < p->start)
		return -1;
	h -= p->start;
	if (p->net30)
		h /= 4;
	return h < p->n ? (int)h : -1;
}

int pool_load(struct pool *p, FILE *f)
{
	char line[512];

	while (fgets(line, sizeof(line), f)) {
		char *cn, *ip;
		struct in_addr a;
		int idx;

		/* comments, as OpenVPN skips them */
		if (line[0] == '#' || line[0] == ';')
			continue;
		cn = strtok(line, ",\r\n");
		ip = strtok(NULL, ",\r\n");
		if (!cn || !ip || inet_pton(AF_INET, ip, &a) != 1)
			continue;
		idx = pool_find4(p, a);
		if (idx >= 0 && !p->e[idx].in_use)
			entry_name(p, (size_t)idx, cn);
	}
	return ferror(f) ? -EIO : 0;
}

int pool_save(const struct pool *p, FILE *f)
{
	char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < p->n; i++) {
		struct in_addr a;
		struct in6_addr b;

		if (!p->e[i].cn)
			continue;
		pool_addr4(p, (int)i, &a);
		inet_ntop(AF_INET, &a, a4, sizeof(a4));
		a6[0] = 0;
		if (p->has6) {
			pool_addr6(p, (int)i, &b);
			inet_ntop(AF_INET6, &b, a6, sizeof(a6));
		}
		fprintf(f, "%s,%s,%s\n", p->e[i].cn, a4, a6);
	}
	return fflush(f) || ferror(f) ? -EIO : 0;
}
