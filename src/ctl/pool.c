/* Dynamic address pool. See pool.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/pool.h"

#define POOL_MAX_ENTRIES 65536u

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
	p->e = calloc(n, sizeof(*p->e));
	if (!p->e)
		return -ENOMEM;
	p->net30 = net30;
	p->start = start;
	p->n = n;
	p->dup_cn = dup_cn;
	if (base6) {
		p->has6 = true;
		p->base6 = *base6;
	}
	return 0;
}

/* Remember @cn as the last holder of entry @idx. */
static void entry_name(struct pool_entry *e, const char *cn)
{
	free(e->cn);
	e->cn = cn[0] ? strdup(cn) : NULL;
}

void pool_free(struct pool *p)
{
	for (size_t i = 0; p->e && i < p->n; i++)
		free(p->e[i].cn);
	free(p->e);
	memset(p, 0, sizeof(*p));
}

/* Free entry matching: 0 this CN, 1 never used, 2 any. */
static int pool_pick(const struct pool *p, const char *cn, int pass)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct pool_entry *e = &p->e[i];

		if (e->in_use)
			continue;
		if (pass == 0 && e->cn && !strcmp(e->cn, cn))
			return (int)i;
		if (pass == 1 && !e->cn)
			return (int)i;
		if (pass == 2)
			return (int)i;
	}
	return -1;
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
	entry_name(&p->e[idx], cn);
	return idx;
}

void pool_release(struct pool *p, int idx)
{
	if (idx >= 0 && (size_t)idx < p->n)
		p->e[idx].in_use = false;
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
			entry_name(&p->e[idx], cn);
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
