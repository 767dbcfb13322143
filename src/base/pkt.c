#include "base/pkt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pkt_pool_init(struct pkt_pool *pool, unsigned count)
{
	return pkt_pool_init_sized(pool, count, PKT_DATA_MAX);
}

int pkt_pool_init_sized(struct pkt_pool *pool, unsigned count, size_t data_max)
{
	/* 64-byte multiples keep every buffer cache-line aligned */
	size_t buf_size = (PKT_HEADROOM + data_max + 63) & ~(size_t)63;

	memset(pool, 0, sizeof(*pool));
	pool->pkts = calloc(count, sizeof(*pool->pkts));
	if (!pool->pkts)
		return -ENOMEM;
	/* One slab, 64-byte aligned buffers: one allocation for the lifetime. */
	if (posix_memalign((void **)&pool->mem, 64, (size_t)count * buf_size)) {
		free(pool->pkts);
		pool->pkts = NULL;
		return -ENOMEM;
	}
	pool->count = count;
	for (unsigned i = 0; i < count; i++) {
		struct pkt *p = &pool->pkts[i];

		p->base = pool->mem + (size_t)i * buf_size;
		p->cap = (uint32_t)buf_size;
		p->sock = -1;
		pkt_reset(p);
	}
	return 0;
}

void pkt_pool_free(struct pkt_pool *pool)
{
	free(pool->mem);
	free(pool->pkts);
	memset(pool, 0, sizeof(*pool));
}
