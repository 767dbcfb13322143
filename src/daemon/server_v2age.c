/* The server side of --tls-crypt-v2-max-age (OpenVPN 2.7): checked before
 * --tls-crypt-v2-verify, on the key's metadata as unwrapped. */
#include <errno.h>
#include <inttypes.h>
#include <time.h>

#include "base/log.h"
#include "daemon/server_int.h"
#include "daemon/server_v2age.h"
#include "proto/tlscryptv2_age.h"

int server_v2_age_check(struct srv_client *c, const uint8_t *meta, size_t len)
{
	int max = c->srv->so->tls_crypt_v2_max_age;
	int64_t age = 0;
	int ret;

	if (max <= 0)
		return 0;
	ret = tlscryptv2_age_check(meta, len, max, (int64_t)time(NULL), &age);
	if (ret == -ENODATA)
		log_err("%s TLS Error: tls-crypt-v2 client key has no timestamp "
			"metadata (--tls-crypt-v2-max-age %d)", c->desc, max);
	else if (ret)
		log_err("%s TLS Error: tls-crypt-v2 client key is %" PRId64
			" days old, older than --tls-crypt-v2-max-age %d",
			c->desc, age, max);
	return ret;
}
