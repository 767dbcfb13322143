/* The client's up/route-up/route-pre-down/down (see client_script.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>

#include "base/log.h"
#include "daemon/client_script.h"
#include "daemon/plugin_event.h"
#include "ctl/tls_username.h"
#include "daemon/scriptcert.h"
#include "daemon/scriptfile.h"

void client_script_init(struct client_script *cs, struct loop *loop)
{
	scriptrun_init(&cs->run, loop);
	scriptvars_proc_init(&cs->proc);
	scriptenv_init(&cs->cert);
}

void client_script_free(struct client_script *cs)
{
	client_script_cancel(cs);
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
	/* a tap's ifconfig is always address and netmask */
	t->tap = o->dev_type == OPT_DEV_TAP;
	t->subnet = o->topology == OPT_TOPO_SUBNET || t->tap;
	t->has6 = o->ifconfig6_set;
	t->local6 = o->ifconfig6_local;
	t->remote6 = o->ifconfig6_remote;
	t->bits6 = o->ifconfig6_bits;
	t->restart = call->restart;
}

/* The environment and the arguments OpenVPN appends (route-up: none). */
struct prepared;
static void tlsverify_args(const struct client_script_call *call,
			   struct prepared *p);

struct prepared {
	struct scriptenv env;
	struct script_tun_args args;
	char addr[INET6_ADDRSTRLEN + 24];
	const char *ipchange[2];
	char depth[16], subject[SCRIPTCERT_SUBJECT_MAX];
	const char *tlsverify[3];
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
		.trusted = call->kind != SCRIPT_TLS_VERIFY,
		.cert_depth = call->cert_depth,
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
	if (call->kind == SCRIPT_TLS_VERIFY)
		tlsverify_args(call, p);
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

/* ---- tls-verify -------------------------------------------------------------- */

struct client_tlsverify {
	struct client_script_call call;   /* its pointers: the connection's */
	int depth;                        /* the certificate being checked */
	scriptrun_done done;
	void *ctx;
	struct scriptrun_job *job;
	char *cert_file;                  /* tls-export-cert: peer_cert */
};

static X509 *chain_cert(const struct tls_session *tls, int depth)
{
	STACK_OF(X509) *chain = tls ? tls_session_peer_chain(tls) : NULL;

	return chain && depth >= 0 && depth < sk_X509_num(chain) ?
	       sk_X509_value(chain, depth) : NULL;
}

static void tlsverify_args(const struct client_script_call *call,
			   struct prepared *p)
{
	X509 *x = chain_cert(call->tls, call->cert_depth);

	snprintf(p->depth, sizeof(p->depth), "%d", call->cert_depth);
	p->subject[0] = '\0';
	if (x)
		tls_cert_subject(x, p->subject, sizeof(p->subject));
	p->tlsverify[0] = p->depth;
	p->tlsverify[1] = p->subject;
	p->tlsverify[2] = NULL;
	p->extra = p->tlsverify;
}

static void tlsverify_end(struct client_script *cs, int result)
{
	struct client_tlsverify *tv = cs->tv;

	cs->tv = NULL;
	scriptfile_drop(&tv->cert_file);
	tv->done(tv->ctx, result);
	free(tv);
}

static void tlsverify_step(struct client_script *cs);

static void tlsverify_ran(void *ctx, int result)
{
	struct client_script *cs = ctx;
	struct client_tlsverify *tv = cs->tv;
	X509 *x = chain_cert(tv->call.tls, tv->depth);
	char subject[SCRIPTCERT_SUBJECT_MAX] = "";

	tv->job = NULL;
	scriptfile_drop(&tv->cert_file);
	if (x)
		tls_cert_subject(x, subject, sizeof(subject));
	if (result) {
		log_info("VERIFY SCRIPT ERROR: depth=%d, %s", tv->depth, subject);
		tlsverify_end(cs, -EPERM);
		return;
	}
	log_info("VERIFY SCRIPT OK: depth=%d, %s", tv->depth, subject);
	tv->depth--;
	tlsverify_step(cs);
}

/* tls-export-cert (OpenVPN's on a client too): the certificate being
 * checked in a file of the directory, named by peer_cert. */
static int export_cert(struct client_tlsverify *tv, struct scriptenv *env)
{
	const char *dir = tv->call.o->tls_export_cert;
	X509 *x = chain_cert(tv->call.tls, tv->depth);

	if (!dir)
		return 0;
	tv->cert_file = x ? scriptcert_export(dir, x) : NULL;
	if (!tv->cert_file)
		return -EIO;
	scriptenv_set(env, "peer_cert", "%s", tv->cert_file);
	return 0;
}

static void tlsverify_step(struct client_script *cs)
{
	struct client_tlsverify *tv = cs->tv;
	struct prepared p;
	int ret;

	if (tv->depth < 0) {
		tlsverify_end(cs, 0);
		return;
	}
	tv->call.cert_depth = tv->depth;
	ret = prepare(cs, &tv->call, &p);
	if (!ret)
		ret = export_cert(tv, &p.env);
	if (!ret)
		ret = scriptrun_start(&cs->run, "tls-verify", tv->call.cmd, p.extra,
				      scriptenv_vec(&p.env), tlsverify_ran, cs,
				      &tv->job);
	scriptenv_free(&p.env);
	if (ret) {
		scriptrun_log_failure("tls-verify", ret);
		tlsverify_end(cs, -EPERM);
	}
}

int client_script_tlsverify(struct client_script *cs,
			    const struct client_script_call *call,
			    scriptrun_done done, void *ctx)
{
	STACK_OF(X509) *chain = call->tls ? tls_session_peer_chain(call->tls) :
				NULL;
	struct client_tlsverify *tv;

	if (!allowed(call))
		return 1;
	if (!chain || !sk_X509_num(chain))
		return -EPERM;
	client_script_cancel(cs);
	tv = calloc(1, sizeof(*tv));
	if (!tv)
		return -ENOMEM;
	tv->call = *call;
	tv->call.kind = SCRIPT_TLS_VERIFY;
	tv->depth = sk_X509_num(chain) - 1;
	tv->done = done;
	tv->ctx = ctx;
	cs->tv = tv;
	tlsverify_step(cs);
	return 0;
}

void client_script_cancel(struct client_script *cs)
{
	if (!cs->tv)
		return;
	if (cs->tv->job)
		scriptrun_detach(&cs->run, cs->tv->job);
	scriptfile_drop(&cs->tv->cert_file);
	free(cs->tv);
	cs->tv = NULL;
}
