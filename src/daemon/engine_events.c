/* The engine's event queue for the daemon. See engine_events.h. */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "base/clock.h"
#include "base/log.h"
#include "daemon/engine_events.h"

static void engine_events_readable(void *ctx, uint32_t events)
{
	struct engine_events *ee = ctx;

	(void)events;
	while (dco_read_event(ee->dco, ee->ev) == 0)
		if (!ee->fn(ee->ctx, ee->ev))
			break;
}

int engine_events_open(struct engine_events *ee, struct loop *l,
		       struct dco *dco, engine_event_fn fn, void *ctx)
{
	int ret;

	*ee = (struct engine_events){ .dco = dco, .fn = fn, .ctx = ctx };
	ee->ev = malloc(sizeof(*ee->ev));
	if (!ee->ev)
		return -ENOMEM;
	ret = loop_add(l, dco_event_fd(dco), EPOLLIN, engine_events_readable, ee);
	if (ret) {
		free(ee->ev);
		ee->ev = NULL;
	}
	return ret;
}

void engine_events_close(struct engine_events *ee, struct loop *l)
{
	if (!ee->ev)
		return;
	loop_del(l, dco_event_fd(ee->dco));
	free(ee->ev);
	ee->ev = NULL;
}

void engine_events_near_wrap(struct session *sess, const char *prefix,
			     const struct dco_event *ev)
{
	log_info("%s%sTLS: packet-id of key-id %u near its end, renegotiating",
		 prefix, *prefix ? " " : "", ev->key_id);
	session_renegotiate(sess, clock_now_ms());
}
