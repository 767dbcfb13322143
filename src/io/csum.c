#include "io/csum.h"

#include <string.h>

#include "base/bytes.h"

uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	/* Eight bytes at a time into a 64-bit accumulator: the carries land in
	 * the high bits and are folded once at the end. */
	while (len >= 8) {
		sum += (uint64_t)load_be32(p) + load_be32(p + 4);
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		sum += load_be16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint64_t)p[0] << 8;
	return sum;
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
