/*
 * The tun device's plugin events (client and server), called where the
 * matching script runs and before it, as OpenVPN does: UP and DOWN (with
 * the up/down arguments), ROUTE_UP, with the scripts' environment.
 */
#ifndef DCOVPN_DAEMON_PLUGIN_EVENT_H
#define DCOVPN_DAEMON_PLUGIN_EVENT_H

#include "daemon/plugin.h"
#include "daemon/script.h"

/* @script_type: "up", "down" or "route-up". PLUGIN_OK if no plugin wants
 * the event. */
enum plugin_result plugin_event_updown(const struct plugin_host *h,
				      const struct script_ctx *sc,
				      const char *script_type);

#endif
