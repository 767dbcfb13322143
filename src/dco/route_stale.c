/* stale-routes-check: the engine's side, removing routes not used lately. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "base/clock.h"
#include "dco/engine.h"

/* Removed under cfg_lock in small batches: the lock is never held long,
 * and route_entry (with its atomic) stays inside the engine. */
#define EXPIRE_BATCH 32u

int dco_expire_routes(struct dco *dco, uint64_t idle_ms, struct dco_route *out,
		      unsigned max)
{
	struct route_entry batch[EXPIRE_BATCH];
	uint64_t now = clock_now_ms();
	uint64_t before = now > idle_ms ? now - idle_ms : 0;
	unsigned done = 0;
	int n;

	if (dco->mode != DCO_MODE_MP)
		return -EOPNOTSUPP;
	do {
		unsigned want = max - done < EXPIRE_BATCH ? max - done : EXPIRE_BATCH;

		pthread_mutex_lock(&dco->cfg_lock);
		n = want ? route_expire(&dco->routes, before, batch, want) : 0;
		pthread_mutex_unlock(&dco->cfg_lock);
		for (int i = 0; i < n; i++, done++) {
			out[done].peer_id = batch[i].peer_id;
			out[done].family = batch[i].family;
			out[done].prefix_len = batch[i].prefix_len;
			memcpy(out[done].addr, batch[i].addr, sizeof(out[done].addr));
		}
		if (n < 0)
			return done ? (int)done : n;
	} while (n == EXPIRE_BATCH && done < max);
	return (int)done;
}
