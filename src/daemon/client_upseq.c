/* After the data channel: the up script, the routes (route-delay),
 * route-up, then "Initialization Sequence Completed". */
#include <errno.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "daemon/client_conn.h"
#include "daemon/confine.h"
#include "daemon/sdnotify.h"

/* What a script (and the plugins) of @kind are told now (client_script.h). */
struct client_script_call conn_call(const struct conn *c,
					   enum script_kind kind,
					   const char *cmd)
{
	return (struct client_script_call){
		.kind = kind,
		.cmd = cmd,
		.o = c->o,
		.dev = c->ifname[0] ? c->ifname : NULL,
		.mtu = c->o->tun_mtu > 0 ? (unsigned)c->o->tun_mtu : 1500u,
		.remote = &c->remote,
		.tls = c->sess_up && c->sess.ks[0] ? c->sess.ks[0]->tls : NULL,
		.routes_added = c->routes_added,
		.signal = c->signal ? c->signal : "sigterm",
		.plugins = c->plugins,
	};
}

void conn_script_wait(struct conn *c, enum script_kind kind,
			     const char *cmd)
{
	struct client_script_call call = conn_call(c, kind, cmd);

	client_script_wait(c->scripts, &call);
}

/* management-up-down: >UPDOWN:UP / DOWN with the scripts' environment. */
void conn_updown(struct conn *c, const char *what)
{
	bool up = !strcmp(what, "UP");
	struct client_script_call call = conn_call(c, up ? SCRIPT_UP :
						   SCRIPT_DOWN, NULL);
	struct scriptenv env;

	if (!c->cm->m || !c->o->mgmt_up_down ||
	    client_script_env(c->scripts, &call, &env))
		return;
	client_mgmt_updown(c->cm, what, (const char *const *)scriptenv_vec(&env));
	scriptenv_free(&env);
}

/* The last step: the scripts have run. */
static void conn_complete(struct conn *c)
{
	char err[160];

	log_milestone("Initialization Sequence Completed");
	sdnotify_completed();
	client_mgmt_state_addr(c->cm, "CONNECTED", c->o, &c->remote);
	if (privdrop_apply(c->pd, err, sizeof(err))) {
		/* asked to run unprivileged: never carry on as root */
		log_err("--user/--group: %s; exiting", err);
		conn_end(c, END_FATAL);
		return;
	}
	if (plugin_host_post_uid(c->plugins, c->o)) {
		conn_end(c, END_FATAL);
		return;
	}
	confine_daemon(c->o);
}

/* As OpenVPN: a plugin failing up or route-up is fatal, and so is a
 * failing --up script. */
static void conn_fatal(struct conn *c)
{
	log_err("Exiting due to fatal error");
	c->up_failed = true;
	conn_end(c, END_FATAL);
}

static void conn_route_up_done(void *ctx, int result)
{
	struct conn *c = ctx;

	c->job = NULL;
	if (result)
		scriptrun_log_failure("route-up", result);
	conn_complete(c);
}

void conn_routes_up(struct conn *c)
{
	struct client_script_call call;
	int ret;

	/* as OpenVPN: only when there are IPv4 routes to add */
	if (c->o->n_routes || c->o->redirect_gateway)
		client_mgmt_state(c->cm, "ADD_ROUTES", NULL);
	if (!c->dev_null && !c->o->route_noexec)
		netcfg_routes(c->o, dco_ifindex(c->dco), &c->remote, c->undo);
	c->routes_added = true;
	conn_updown(c, "UP");
	call = conn_call(c, SCRIPT_ROUTE_UP, c->o->route_up);
	ret = client_script_start(c->scripts, &call, conn_route_up_done, c,
				  &c->job);
	if (ret == -ENOTRECOVERABLE)
		conn_fatal(c);
	else if (ret)
		conn_complete(c);
}

/* route-delay N: the routes (and route-up, and the end of initialization)
 * N seconds after the tunnel came up, as OpenVPN's route_wakeup timer;
 * conn_tick adds them when due. */
static void conn_routes_due(struct conn *c)
{
	if (c->o->route_delay > 0)
		c->routes_at_ms = clock_now_ms() +
				  (uint64_t)c->o->route_delay * 1000u;
	else
		conn_routes_up(c);
}

static void conn_up_done(void *ctx, int result)
{
	struct conn *c = ctx;

	c->job = NULL;
	if (result) {
		scriptrun_log_failure("up/--down", result);
		conn_fatal(c);
		return;
	}
	if (c->up_done && c->kept_tun && c->kept_tun->fd >= 0)
		*c->up_done = true;
	conn_routes_due(c);
}

/* --dns: before --up, as OpenVPN 2.7 runs dns-updown (client_dns.h). */
static void conn_dns_up(struct conn *c)
{
	struct client_script_call call = conn_call(c, SCRIPT_DNS_UP,
						   c->o->dns_updown);

	client_dns_up(c->dns, c->scripts, &call, dco_ifindex(c->dco));
}

/* up, then routes and route-up, each script waited for by the loop. */
void conn_up_script(struct conn *c)
{
	struct client_script_call call = conn_call(c, SCRIPT_UP, c->o->up);
	int ret;

	conn_dns_up(c);
	/* a kept tun ran its up script when it first came up; with
	 * up-restart it runs again, told "restart" (NetworkManager's helper
	 * then hands the new addresses over) */
	if (c->up_done && *c->up_done && !c->o->up_restart) {
		conn_routes_due(c);
		return;
	}
	call.restart = c->up_done && *c->up_done;
	ret = client_script_start(c->scripts, &call, conn_up_done, c, &c->job);
	if (ret == -ENOTRECOVERABLE)
		conn_fatal(c);
	else if (ret)
		conn_up_done(c, ret > 0 ? 0 : ret);
}
