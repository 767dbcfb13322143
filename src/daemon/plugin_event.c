/* The tun device's plugin events at its script points. */
#include <string.h>

#include <openvpn/openvpn-plugin.h>

#include "base/log.h"
#include "daemon/plugin_event.h"

static int event_of(enum script_kind kind)
{
	switch (kind) {
	case SCRIPT_UP:
		return OPENVPN_PLUGIN_UP;
	case SCRIPT_DOWN:
		return OPENVPN_PLUGIN_DOWN;
	case SCRIPT_ROUTE_UP:
		return OPENVPN_PLUGIN_ROUTE_UP;
	case SCRIPT_ROUTE_PRE_DOWN:
		return OPENVPN_PLUGIN_ROUTE_PREDOWN;
	case SCRIPT_IPCHANGE:
		return OPENVPN_PLUGIN_IPCHANGE;
	default:
		return -1;
	}
}

enum plugin_result plugin_event_updown(const struct plugin_host *h,
				       enum script_kind kind,
				       char *const *envp,
				       const char *const *args)
{
	int type = event_of(kind);
	struct scriptenv e;
	enum plugin_result r;

	if (!h || type < 0 || !plugin_host_wants(h, type))
		return PLUGIN_OK;
	/* plugins get no script_type (OpenVPN deletes it before a call) */
	scriptenv_init(&e);
	for (char *const *p = envp; p && *p; p++)
		if (strncmp(*p, "script_type=", 12))
			scriptenv_put(&e, *p);
	r = e.err ? PLUGIN_ERROR : plugin_host_call(h, &(struct plugin_call){
		.type = type,
		/* as the script: tun arguments (UP, DOWN, ROUTE_PREDOWN),
		 * "ip port" for IPCHANGE, none for ROUTE_UP */
		.args = type == OPENVPN_PLUGIN_ROUTE_UP ? NULL : args,
		.envp = (const char *const *)scriptenv_vec(&e), .depth = -1 });
	scriptenv_free(&e);
	if (r != PLUGIN_OK && kind == SCRIPT_ROUTE_UP)
		log_warn("WARNING: route-up plugin call failed");
	else if (r != PLUGIN_OK)
		log_err("ERROR: up/down plugin call failed");
	return r;
}
