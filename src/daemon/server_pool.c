/*
 * ifconfig-pool-persist FILE [SECONDS] for the server: the file is opened
 * once (daemon/keep.h) and rewritten in place, as OpenVPN does, so it is
 * still written after the privileges are dropped and across restarts.
 */
#include <errno.h>
#include <string.h>

#include "base/log.h"
#include "daemon/keep.h"
#include "daemon/server_int.h"

#define POOL_LOG_MS 60000u   /* at most one failure line a minute */

/* The kept file, opened now if need be; -1 (and logged) if it cannot be. */
static int pool_file(struct server *s)
{
	const char *path = s->so->pool_persist;

	if (s->pool_fd < 0)
		s->pool_fd = keep_file(s->keep, KEEP_POOL, path);
	if (s->pool_fd < 0)
		log_limited(&s->pool_log, POOL_LOG_MS, LOG_WARN,
			    "ifconfig-pool-persist: cannot open %s: %s", path,
			    strerror(-s->pool_fd));
	return s->pool_fd;
}

void server_pool_load(struct server *s)
{
	FILE *f;
	int err;

	if (!s->has_pool || !s->so->pool_persist || pool_file(s) < 0)
		return;
	f = keep_read(s->pool_fd);
	err = f ? pool_load(&s->pool, f) : -errno;
	if (f)
		fclose(f);
	if (err)
		log_warn("ifconfig-pool-persist: cannot read %s: %s",
			 s->so->pool_persist, strerror(-err));
}

static int pool_print(FILE *f, void *ctx)
{
	return pool_save(ctx, f);
}

void server_pool_save(struct server *s)
{
	int err;

	/* SECONDS 0: the file is only read (OpenVPN's meaning) */
	if (!s->has_pool || !s->so->pool_persist ||
	    s->so->pool_persist_secs <= 0 || pool_file(s) < 0)
		return;
	err = keep_print(s->pool_fd, pool_print, &s->pool);
	if (err)
		log_limited(&s->pool_log, POOL_LOG_MS, LOG_WARN,
			    "ifconfig-pool-persist: cannot write %s: %s",
			    s->so->pool_persist, strerror(-err));
}
