/* The tun device's plugin events at its script points. */
#include <string.h>

#include <openvpn/openvpn-plugin.h>

#include "base/log.h"
#include "daemon/plugin_event.h"

static int event_of(const char *script_type)
{
	if (!strcmp(script_type, "up"))
		return OPENVPN_PLUGIN_UP;
	if (!strcmp(script_type, "down"))
		return OPENVPN_PLUGIN_DOWN;
	if (!strcmp(script_type, "route-up"))
		return OPENVPN_PLUGIN_ROUTE_UP;
	return -1;
}

enum plugin_result plugin_event_updown(const struct plugin_host *h,
				      const struct script_ctx *sc,
				      const char *script_type)
{
	int type = event_of(script_type);
	struct script_args a;
	enum plugin_result r;
	char **env;

	if (type < 0 || !plugin_host_wants(h, type))
		return PLUGIN_OK;
	env = script_env(sc, script_type);
	if (!env)
		return PLUGIN_ERROR;
	script_args(sc, &a);
	r = plugin_host_call(h, &(struct plugin_call){
		.type = type,
		.args = type == OPENVPN_PLUGIN_ROUTE_UP ? NULL : a.v,
		.envp = (const char *const *)env, .depth = -1 });
	script_env_free(env);
	if (r != PLUGIN_OK)
		log_err("ERROR: %s plugin call failed", script_type);
	return r;
}
