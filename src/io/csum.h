/*
 * Internet checksums (RFC 1071) for the segmentation and coalescing code:
 * one's-complement sums over bytes, folded to 16 bits at the end.
 */
#ifndef DCOVPN_IO_CSUM_H
#define DCOVPN_IO_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add @len bytes (big-endian 16-bit words) to a running 32+ bit sum. */
uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t len);
/* Copy @len bytes from @src to @dst (no overlap) and add them to @sum, in
 * one pass: csum_add(sum, dst, len) after memcpy, for less. */
uint64_t csum_copy(uint64_t sum, uint8_t *dst, const uint8_t *src, size_t len);
/* Fold to 16 bits and complement: the value stored in a header. */
uint16_t csum_finish(uint64_t sum);
/* Fold to 16 bits without complementing (a partial sum the kernel completes). */
uint16_t csum_fold(uint64_t sum);

/* Pseudo-header sums for TCP/UDP over IPv4 and IPv6 (RFC 793 / 8200). */
uint64_t csum_pseudo4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		      uint32_t l4_len);
uint64_t csum_pseudo6(const uint8_t src[16], const uint8_t dst[16],
		      uint8_t proto, uint32_t l4_len);

/* IPv4 header checksum of @ihl_bytes at @ip (its checksum field is zeroed). */
void csum_ip4_header(uint8_t *ip, size_t ihl_bytes);

#endif
