/* --remote-random-hostname (randhost.h). */
#include "daemon/randhost.h"

#include <arpa/inet.h>
#include <stdio.h>

#include <openssl/rand.h>

#define RANDHOST_BYTES 6	/* OpenVPN's n_rnd_bytes */

static bool is_numeric(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	       inet_pton(AF_INET6, host, a) == 1;
}

const char *randhost_apply(const struct options *o, const char *host,
			   char *buf, size_t cap)
{
	unsigned char r[RANDHOST_BYTES];
	int n;

	if (!o->remote_random_hostname || !host || is_numeric(host) ||
	    RAND_bytes(r, sizeof(r)) != 1)
		return host;
	n = snprintf(buf, cap, "%02x%02x%02x%02x%02x%02x.%s", r[0], r[1], r[2],
		     r[3], r[4], r[5], host);
	return n > 0 && (size_t)n < cap ? buf : host;
}
