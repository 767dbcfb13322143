/*
 * Transport addresses compared as a peer is known by them: family, port
 * and address (IPv6: not the flow label or scope, which a NAT or the
 * kernel may fill differently from packet to packet); another family
 * byte for byte.
 */
#ifndef DCOVPN_BASE_SOCKADDR_H
#define DCOVPN_BASE_SOCKADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* Are @a (@alen bytes) and @b (@blen bytes) the same peer address? */
bool sockaddr_equal(const struct sockaddr_storage *a, socklen_t alen,
		    const struct sockaddr_storage *b, socklen_t blen);

/* A hash of what sockaddr_equal compares (port and address; another
 * family's @len bytes), keyed by @seed. */
uint32_t sockaddr_hash(uint32_t seed, const struct sockaddr_storage *a,
		       socklen_t len);

#endif
