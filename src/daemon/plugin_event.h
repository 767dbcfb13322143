/*
 * The tun device's plugin events (client and server), called where the
 * matching script runs and before it, as OpenVPN does: UP and DOWN (with
 * the up/down arguments), ROUTE_UP, ROUTE_PREDOWN, IPCHANGE ("ip port"),
 * with the scripts' environment
 * (scriptvars.h; plugins get it without script_type).
 */
#ifndef DCOVPN_DAEMON_PLUGIN_EVENT_H
#define DCOVPN_DAEMON_PLUGIN_EVENT_H

#include "daemon/plugin.h"
#include "daemon/scriptvars.h"

/* @kind: SCRIPT_UP, _DOWN, _ROUTE_UP, _ROUTE_PRE_DOWN, _IPCHANGE (others:
 * PLUGIN_OK);
 * @envp the script's environment, @args its appended arguments. PLUGIN_OK
 * if no plugin wants the event. */
enum plugin_result plugin_event_updown(const struct plugin_host *h,
				       enum script_kind kind,
				       char *const *envp,
				       const char *const *args);

#endif
