/* Transport address comparison. See sockaddr.h. */
#include <string.h>
#include <netinet/in.h>

#include "base/hash.h"
#include "base/sockaddr.h"

bool sockaddr_equal(const struct sockaddr_storage *a, socklen_t alen,
		    const struct sockaddr_storage *b, socklen_t blen)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return alen == blen && memcmp(a, b, alen) == 0;
}

uint32_t sockaddr_hash(uint32_t seed, const struct sockaddr_storage *a,
		       socklen_t len)
{
	uint32_t h = fnv1a(FNV1A_INIT, &seed, sizeof(seed));

	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;

		h = fnv1a(h, &x->sin_port, sizeof(x->sin_port));
		return fnv1a(h, &x->sin_addr, sizeof(x->sin_addr));
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;

		h = fnv1a(h, &x->sin6_port, sizeof(x->sin6_port));
		return fnv1a(h, &x->sin6_addr, sizeof(x->sin6_addr));
	}
	return fnv1a(h, a, len);
}
