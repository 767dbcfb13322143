/*
 * FNV-1a, the one small hash the tables use (peer addresses, routes, MACs,
 * pool names). Tables keyed by what a sender chooses seed it per instance
 * (sockaddr_hash) so that nobody can aim at one chain.
 */
#ifndef DCOVPN_BASE_HASH_H
#define DCOVPN_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A_INIT 2166136261u

/* @h folded with @len bytes of @data. */
static inline uint32_t fnv1a(uint32_t h, const void *data, size_t len)
{
	const uint8_t *d = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ d[i]) * 16777619u;
	return h;
}

#endif
