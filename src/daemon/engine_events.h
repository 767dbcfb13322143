/*
 * The engine's event queue (dco_read_event), drained into a daemon's
 * handler, for a server and a client alike: one buffer per daemon (an
 * event carries a whole control packet), read whenever the engine's event
 * fd is readable.
 */
#ifndef DCOVPN_DAEMON_ENGINE_EVENTS_H
#define DCOVPN_DAEMON_ENGINE_EVENTS_H

#include <stdbool.h>

#include "ctl/session.h"
#include "dcovpn/dco.h"
#include "ev/loop.h"

/* One event to the daemon; false: stop reading (the connection ends, what
 * is left goes with the engine). */
typedef bool (*engine_event_fn)(void *ctx, const struct dco_event *ev);

struct engine_events {
	struct dco *dco;
	struct dco_event *ev;	/* the buffer each event is read into */
	engine_event_fn fn;
	void *ctx;
};

/* Watch @dco's event fd on @l, each event to @fn(@ctx): 0 or -errno. */
int engine_events_open(struct engine_events *ee, struct loop *l,
		       struct dco *dco, engine_event_fn fn, void *ctx);
/* Stop watching (before dco_close()), free the buffer. Safe when not open. */
void engine_events_close(struct engine_events *ee, struct loop *l);

/* DCO_EV_KEY_NEAR_WRAP: renegotiate before the key's packet-ids run out
 * (the engine kills the key at the end, the IV never wraps). @prefix
 * (may be "") names the peer in the log. */
void engine_events_near_wrap(struct session *sess, const char *prefix,
			     const struct dco_event *ev);

#endif
