/* connect-retry-max, server-poll-timeout, inactive, session-timeout
 * (client_limits.h). */
#include "daemon/client_limits.h"

#include "base/log.h"

#define POLL_DEFAULT_S 120u	/* OpenVPN's connect-timeout default */

void client_retry_init(struct client_retry *r, const struct options *o)
{
	unsigned remotes = o->n_remotes ? (unsigned)o->n_remotes : 1u;

	r->failed = 0;
	r->limit = o->connect_retry_max > 0 ?
		   (unsigned)o->connect_retry_max * remotes : 0;
	r->max_per_remote = o->connect_retry_max;
}

bool client_retry_exhausted(struct client_retry *r, bool was_up)
{
	if (was_up) {	/* a success starts the count again */
		r->failed = 0;
		return false;
	}
	r->failed++;
	if (!r->limit || r->failed < r->limit)
		return false;
	log_err("All connections have been connect-retry-max (%d) times "
		"unsuccessful, exiting", r->max_per_remote);
	return true;
}

uint64_t client_poll_deadline(const struct options *o, uint64_t now_ms)
{
	unsigned s = o->connect_timeout >= 0 ? (unsigned)o->connect_timeout :
		     POLL_DEFAULT_S;

	return s ? now_ms + s * 1000ull : 0;
}

bool client_poll_expired(uint64_t deadline, bool heard, uint64_t now_ms)
{
	if (!deadline || heard || now_ms < deadline)
		return false;
	log_info("Server poll timeout, restarting");
	return true;
}

void client_inactive_start(struct client_inactive *t, const struct options *o,
			   uint64_t now_ms)
{
	t->period_ms = o->inactive > 0 ? (uint64_t)o->inactive * 1000u : 0;
	t->min_bytes = o->inactive_bytes > 0 ? o->inactive_bytes : 0;
	t->deadline_ms = t->period_ms ? now_ms + t->period_ms : 0;
	t->base_bytes = 0;
}

bool client_inactive_expired(struct client_inactive *t, uint64_t tun_bytes,
			     uint64_t now_ms)
{
	uint64_t moved = tun_bytes - t->base_bytes;

	if (!t->deadline_ms || now_ms < t->deadline_ms)
		return false;
	if (tun_bytes >= t->base_bytes && moved > (uint64_t)t->min_bytes) {
		t->base_bytes = tun_bytes;
		t->deadline_ms = now_ms + t->period_ms;
		return false;
	}
	return true;
}

uint64_t client_session_deadline(const struct options *o, uint64_t now_ms)
{
	return o->session_timeout > 0 ?
	       now_ms + (uint64_t)o->session_timeout * 1000u : 0;
}
