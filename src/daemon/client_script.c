/* The client's up/route-up/route-pre-down/down (see client_script.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include "base/log.h"
#include "daemon/client_script.h"
#include "daemon/plugin_event.h"
#include "daemon/scriptcert.h"

void client_script_init(struct client_script *cs, struct loop *loop)
{
	scriptrun_init(&cs->run, loop);
	scriptvars_proc_init(&cs->proc);
	scriptenv_init(&cs->cert);
}

void client_script_free(struct client_script *cs)
{
	scriptrun_free(&cs->run);
	scriptenv_free(&cs->cert);
}

static bool allowed(const struct client_script_call *call)
{
	if (!call->cmd)
		return false;
	if (call->o->script_security >= 2)
		return true;
	log_warn("WARNING: External program may not be called unless "
		 "'--script-security 2' or higher is enabled. See --help "
		 "text or man page for detailed info.");
	return false;
}

static void call_tun(const struct client_script_call *call,
		     struct script_tun *t)
{
	const struct options *o = call->o;

	t->dev = call->dev;
	t->mtu = call->mtu;
	t->has4 = o->ifconfig_set;
	t->local4 = o->ifconfig_local;
	t->remote4 = o->ifconfig_remote;
	t->subnet = o->topology == OPT_TOPO_SUBNET;
	t->has6 = o->ifconfig6_set;
	t->local6 = o->ifconfig6_local;
	t->remote6 = o->ifconfig6_remote;
	t->bits6 = o->ifconfig6_bits;
	t->restart = call->restart;
}

/* The environment and the arguments OpenVPN appends (route-up: none). */
struct prepared {
	struct scriptenv env;
	struct script_tun_args args;
	char addr[INET6_ADDRSTRLEN + 24];
	const char *ipchange[2];
	const char *const *extra;
};

/* ipchange's one argument, as OpenVPN prints it: "[AF_INET]ip port". */
static void ipchange_arg(const struct sockaddr_storage *ss, char *out,
			 size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "";
	unsigned port = 0;
	bool v6 = ss->ss_family == AF_INET6;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
		port = ntohs(s->sin_port);
	} else if (v6) {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
		port = ntohs(s->sin6_port);
	}
	snprintf(out, len, "[AF_INET%s]%s %u", v6 ? "6" : "", ip, port);
}

static int prepare(struct client_script *cs, const struct client_script_call *call,
		   struct prepared *p)
{
	struct script_tun tun = { 0 };
	struct script_info si = {
		.kind = call->kind,
		.o = call->o,
		.proc = &cs->proc,
		.tun = &tun,
		.routes = call->dev != NULL,
		.routes_added = call->routes_added,
		.signal = call->signal,
		.cert = &cs->cert,
		.peer = call->remote,
		.trusted = true,
	};

	if (call->tls)
		scriptcert_capture(&cs->cert, call->tls, NULL);
	call_tun(call, &tun);
	scriptenv_init(&p->env);
	if (scriptvars_build(&p->env, &si))
		return -ENOMEM;
	scriptvars_tun_args(&tun, &p->args);
	p->extra = call->kind == SCRIPT_ROUTE_UP ? NULL : p->args.v;
	if (call->kind == SCRIPT_IPCHANGE) {
		ipchange_arg(call->remote, p->addr, sizeof(p->addr));
		p->ipchange[0] = p->addr;
		p->ipchange[1] = NULL;
		p->extra = p->ipchange;
	}
	return 0;
}

/* prepare(), then the plugins: 0 go on with the script, 1 no script,
 * <0 stop (@p freed). */
static int prepare_all(struct client_script *cs,
		       const struct client_script_call *call, struct prepared *p)
{
	int ret = prepare(cs, call, p);

	if (!ret && plugin_event_updown(call->plugins, call->kind,
					scriptenv_vec(&p->env), p->extra) !=
		    PLUGIN_OK && call->kind == SCRIPT_UP)
		ret = -ENOTRECOVERABLE;
	if (!ret && !allowed(call))
		ret = 1;
	if (ret)
		scriptenv_free(&p->env);
	return ret;
}

int client_script_env(struct client_script *cs,
		      const struct client_script_call *call,
		      struct scriptenv *env)
{
	struct prepared p;
	int ret = prepare(cs, call, &p);

	if (ret)
		return ret;
	*env = p.env;
	return 0;
}

int client_script_start(struct client_script *cs,
			const struct client_script_call *call,
			scriptrun_done done, void *ctx,
			struct scriptrun_job **job)
{
	struct prepared p;
	int ret = prepare_all(cs, call, &p);

	if (ret)
		return ret;
	ret = scriptrun_start(&cs->run, scriptvars_type(call->kind), call->cmd,
			      p.extra, scriptenv_vec(&p.env), done, ctx, job);
	scriptenv_free(&p.env);
	if (ret)
		scriptrun_log_failure(scriptvars_type(call->kind), ret);
	return ret;
}

int client_script_wait(struct client_script *cs,
		       const struct client_script_call *call)
{
	struct prepared p;
	int ret = prepare_all(cs, call, &p);

	if (ret)
		return ret > 0 ? 0 : ret;
	ret = scriptrun_wait(scriptvars_type(call->kind), call->cmd, p.extra,
			     scriptenv_vec(&p.env), cs->run.timeout_ms);
	scriptenv_free(&p.env);
	if (ret)
		scriptrun_log_failure(scriptvars_type(call->kind), ret);
	return ret;
}
