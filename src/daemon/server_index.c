/*
 * The server's clients by transport address and by common name
 * (server_int.h, struct srv_index). Both were walks over every slot up to
 * max-clients: the address one for each control packet of a client whose
 * peer is not in the engine yet (its whole TLS handshake), the name one at
 * every connect without duplicate-cn. Chains through the clients
 * themselves, with back links: a client leaves in O(1) even when every
 * client shares one name (duplicate-cn). Only the control thread uses
 * them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <openssl/rand.h>

#include "base/hash.h"
#include "base/sockaddr.h"
#include "daemon/server_int.h"

/* More buckets than that buy little: chains of ~1.5 at 100,000 clients. */
#define INDEX_MAX_BUCKETS (1u << 16)
#define INDEX_MIN_BUCKETS 64u

int server_index_init(struct srv_index *x, uint32_t max_clients)
{
	uint32_t n = INDEX_MIN_BUCKETS;

	memset(x, 0, sizeof(*x));
	while (n < max_clients && n < INDEX_MAX_BUCKETS)
		n <<= 1;
	x->by_addr = calloc(n, sizeof(*x->by_addr));
	x->by_cn = calloc(n, sizeof(*x->by_cn));
	if (!x->by_addr || !x->by_cn) {
		server_index_free(x);
		return -ENOMEM;
	}
	x->mask = n - 1;
	RAND_bytes((uint8_t *)&x->seed, sizeof(x->seed));
	return 0;
}

void server_index_free(struct srv_index *x)
{
	free(x->by_addr);
	free(x->by_cn);
	memset(x, 0, sizeof(*x));
}

/* What sockaddr_equal compares, keyed: the sender picks its address. */
static uint32_t addr_hash(const struct srv_index *x,
			  const struct sockaddr_storage *a, socklen_t len)
{
	return sockaddr_hash(x->seed, a, len) & x->mask;
}

static uint32_t cn_hash(const struct srv_index *x, const char *cn)
{
	uint32_t h = fnv1a(FNV1A_INIT, &x->seed, sizeof(x->seed));

	return fnv1a(h, cn, strlen(cn)) & x->mask;
}

void server_index_link(struct srv_index *x, struct srv_client *c)
{
	struct srv_client **head;

	if (c->indexed || !x->mask)
		return;
	if (c->tr == DCO_TRANSPORT_UDP) {
		head = &x->by_addr[addr_hash(x, &c->addr, c->addr_len)];
		c->addr_next = *head;
		if (*head)
			(*head)->addr_pprev = &c->addr_next;
		c->addr_pprev = head;
		*head = c;
	}
	head = &x->by_cn[cn_hash(x, c->cn)];
	c->cn_next = *head;
	if (*head)
		(*head)->cn_pprev = &c->cn_next;
	c->cn_pprev = head;
	*head = c;
	c->indexed = true;
}

void server_index_unlink(struct srv_index *x, struct srv_client *c)
{
	(void)x;
	if (!c->indexed)
		return;
	if (c->tr == DCO_TRANSPORT_UDP) {
		*c->addr_pprev = c->addr_next;
		if (c->addr_next)
			c->addr_next->addr_pprev = c->addr_pprev;
	}
	*c->cn_pprev = c->cn_next;
	if (c->cn_next)
		c->cn_next->cn_pprev = c->cn_pprev;
	c->addr_next = c->cn_next = NULL;
	c->addr_pprev = c->cn_pprev = NULL;
	c->indexed = false;
}

struct srv_client *server_index_addr(const struct srv_index *x,
				     const struct sockaddr_storage *a,
				     socklen_t len)
{
	struct srv_client *c;

	if (!x->mask)
		return NULL;
	for (c = x->by_addr[addr_hash(x, a, len)]; c; c = c->addr_next)
		if (!c->dead && sockaddr_equal(&c->addr, c->addr_len, a, len))
			return c;
	return NULL;
}

struct srv_client *server_index_cn(const struct srv_index *x, const char *cn,
				   const struct srv_client *after)
{
	struct srv_client *c;

	if (!x->mask)
		return NULL;
	c = after ? after->cn_next : x->by_cn[cn_hash(x, cn)];
	for (; c; c = c->cn_next)
		if (!strcmp(c->cn, cn))
			return c;
	return NULL;
}
