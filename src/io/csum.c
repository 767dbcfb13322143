#include "io/csum.h"

#include <string.h>

#include "base/bytes.h"

/*
 * Why little-endian words: the ones' complement sum is the same in either
 * byte order up to one final byte swap (RFC 1071), so the bulk loop adds
 * native 64-bit loads, split into 32-bit halves so no carry is ever lost,
 * into four independent accumulators. It runs several times faster than
 * big-endian 16-bit additions, and the segment and coalesce paths check-sum
 * every byte they send. acc_add32 adds 32 bytes to the four accumulators;
 * sum_native and csum_copy share it.
 */
static inline void acc_add32(uint64_t acc[4], const uint64_t w[4])
{
	acc[0] += (w[0] & 0xffffffffu) + (w[0] >> 32);
	acc[1] += (w[1] & 0xffffffffu) + (w[1] >> 32);
	acc[2] += (w[2] & 0xffffffffu) + (w[2] >> 32);
	acc[3] += (w[3] & 0xffffffffu) + (w[3] >> 32);
}

/* The accumulators' total, each cut back into 32-bit halves. */
static inline uint64_t acc_total(const uint64_t acc[4])
{
	/* each accumulator < 2^64 for any len below 2^32 words */
	return (acc[0] >> 32) + (acc[0] & 0xffffffffu) + (acc[1] >> 32) +
	       (acc[1] & 0xffffffffu) + (acc[2] >> 32) + (acc[2] & 0xffffffffu) +
	       (acc[3] >> 32) + (acc[3] & 0xffffffffu);
}

static uint64_t sum_native(const uint8_t *p, size_t len)
{
	uint64_t acc[4] = { 0 }, w[4];

	while (len >= 32) {
		memcpy(w, p, 32);
		acc_add32(acc, w);
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		memcpy(w, p, 8);
		acc[0] += (w[0] & 0xffffffffu) + (w[0] >> 32);
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		uint16_t h;

		memcpy(&h, p, 2);
		acc[1] += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = { p[0], 0 };
		uint16_t h;

		memcpy(&h, last, 2);
		acc[2] += h;
	}
	return acc_total(acc);
}

/* The folded native-order sum @native, as a big-endian 16-bit value. */
static uint64_t native_to_be(uint64_t native)
{
	uint16_t folded = csum_fold(native);
	uint8_t be[2];

	memcpy(be, &folded, 2);
	return load_be16(be);
}

uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	return sum + native_to_be(sum_native(p, len));
}

/*
 * Why copy and sum in one loop: a segment's payload is copied out of the
 * super-packet and check-summed right after; one pass reads each byte once
 * instead of twice (the sender's memmove and checksum were 8% of its CPU).
 */
uint64_t csum_copy(uint64_t sum, uint8_t *dst, const uint8_t *src, size_t len)
{
	uint64_t acc[4] = { 0 }, w[4];
	size_t done = len & ~(size_t)31;

	for (size_t i = 0; i < done; i += 32) {
		memcpy(w, src + i, 32);
		memcpy(dst + i, w, 32);
		acc_add32(acc, w);
	}
	memcpy(dst + done, src + done, len - done);
	/* @done is a multiple of 32: the tail starts on an even byte */
	return sum + native_to_be(acc_total(acc) + sum_native(dst + done, len - done));
}

uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t csum_finish(uint64_t sum)
{
	return (uint16_t)~csum_fold(sum);
}

uint64_t csum_pseudo4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		      uint32_t l4_len)
{
	uint64_t sum = csum_add(0, src, 4);

	sum = csum_add(sum, dst, 4);
	return sum + proto + l4_len;
}

uint64_t csum_pseudo6(const uint8_t src[16], const uint8_t dst[16],
		      uint8_t proto, uint32_t l4_len)
{
	uint64_t sum = csum_add(0, src, 16);

	sum = csum_add(sum, dst, 16);
	return sum + proto + (l4_len >> 16) + (l4_len & 0xffff);
}

void csum_ip4_header(uint8_t *ip, size_t ihl_bytes)
{
	store_be16(ip + 10, 0);
	store_be16(ip + 10, csum_finish(csum_add(0, ip, ihl_bytes)));
}
