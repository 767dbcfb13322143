/*
 * A packet buffer for unit tests: struct pkt over its own memory, with
 * the engine's standard headroom, filled with given bytes (as a packet
 * read off a socket or the tun starts at the headroom).
 */
#ifndef DCOVPN_TESTS_TESTBUF_H
#define DCOVPN_TESTS_TESTBUF_H

#include <stdint.h>
#include <string.h>

#include "base/pkt.h"

struct buf {
	struct pkt pkt;
	uint8_t mem[PKT_HEADROOM + 4096];
};

static inline struct pkt *buf_fill(struct buf *b, const void *data, size_t len)
{
	b->pkt.base = b->mem;
	b->pkt.cap = sizeof(b->mem);
	pkt_reset(&b->pkt);
	memcpy(b->pkt.data, data, len);
	b->pkt.len = (uint32_t)len;
	return &b->pkt;
}

#endif
