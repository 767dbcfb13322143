/* The server's scripts (see server_script.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "daemon/scriptcert.h"
#include "daemon/plugin_event.h"
#include "daemon/scriptfile.h"
#include "daemon/server_int.h"

/* client-disconnect and learn-address: one lane, in order */
#define SS_LANE_EVENTS 1u

/* ---- server-wide ------------------------------------------------------------ */

void server_script_init(struct server *s)
{
	scriptrun_init(&s->scripts.run, s->loop);
	scriptvars_proc_init(&s->scripts.proc);
}

void server_script_free(struct server *s)
{
	scriptrun_free(&s->scripts.run);
}

bool server_script_allowed(const struct server *s, const char *type)
{
	if (s->o->script_security >= 2)
		return true;
	log_warn("WARNING: External program may not be called unless "
		 "'--script-security 2' or higher is enabled (--%s)", type);
	return false;
}

static void server_tun(const struct server *s, struct script_tun *t)
{
	uint8_t *b = t->remote6.s6_addr;

	memset(t, 0, sizeof(*t));
	t->dev = s->scripts.dev[0] ? s->scripts.dev : NULL;
	t->mtu = s->scripts.mtu;
	t->has4 = s->local4.s_addr != 0;
	t->local4 = s->local4;
	t->subnet = s->topo == OPT_TOPO_SUBNET;
	t->tap = s->o->dev_type == OPT_DEV_TAP;
	t->remote4 = t->subnet ? s->mask4 : s->remote4;
	t->has6 = s->has6;
	t->local6 = s->local6;
	t->bits6 = s->bits6;
	/* OpenVPN tells the server's up script the address after its own */
	t->remote6 = s->local6;
	for (int i = 15; i >= 0 && ++b[i] == 0; i--)
		;
}

/*
 * The server's routes as OpenVPN lists them for its scripts (route.c, set
 * at start-up and in every later env): net30's implied "route NET MASK"
 * (helper.c) first, then the config's, with the far end of its tun as
 * vpn_gateway. A copy of the options with those facts in.
 */
struct route_view {
	struct options o;
	struct opt_route *r;
	char net[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
};

/* false: the server has no routes (OpenVPN then sets no route_*). */
static bool route_view_make(const struct server *s, struct route_view *v)
{
	bool implied = s->topo != OPT_TOPO_SUBNET && s->so->server_set;
	size_t n = s->o->n_routes + (implied ? 1 : 0), k = 0;

	if (!n)
		return false;
	v->r = calloc(n, sizeof(*v->r));
	if (!v->r)
		return false;
	v->o = *s->o;
	if (implied) {
		inet_ntop(AF_INET, &s->so->net, v->net, sizeof(v->net));
		inet_ntop(AF_INET, &s->so->mask, v->mask, sizeof(v->mask));
		v->r[k++] = (struct opt_route){ .network = v->net,
						.netmask = v->mask, .metric = -1 };
	}
	for (size_t i = 0; i < s->o->n_routes; i++)
		v->r[k++] = s->o->routes[i];
	v->o.routes = v->r;
	v->o.n_routes = n;
	v->o.ifconfig_set = s->local4.s_addr != 0;
	v->o.ifconfig_local = s->local4;
	v->o.ifconfig_remote = s->remote4;
	v->o.topology = s->topo;
	return true;
}

static struct script_info server_info(const struct server *s,
				      enum script_kind kind,
				      const struct script_tun *tun,
				      const struct route_view *rv)
{
	return (struct script_info){
		.kind = kind,
		.server = true,
		.o = rv ? &rv->o : s->o,
		.proc = &s->scripts.proc,
		.tun = tun,
		.routes = rv != NULL,
		.routes_added = kind != SCRIPT_UP,
	};
}

/*
 * up, route-up, route-pre-down, down: the plugins' event first, then the
 * script with the tun's arguments, to completion. -ENOTRECOVERABLE: a
 * plugin failed UP (fatal, as OpenVPN's M_FATAL).
 */
static int server_run_tun_script(struct server *s, enum script_kind kind,
				 const char *cmd, const char *signal)
{
	struct script_tun tun;
	struct script_tun_args args;
	struct script_info si;
	struct scriptenv e;
	struct route_view rv;
	bool has_routes = route_view_make(s, &rv);
	int ret;

	server_tun(s, &tun);
	si = server_info(s, kind, &tun, has_routes ? &rv : NULL);
	si.signal = signal;
	scriptvars_tun_args(&tun, &args);
	scriptenv_init(&e);
	ret = scriptvars_build(&e, &si);
	if (!ret && plugin_event_updown(&s->plugins, kind, scriptenv_vec(&e),
					args.v) != PLUGIN_OK && kind == SCRIPT_UP)
		ret = -ENOTRECOVERABLE;
	if (!ret && cmd && server_script_allowed(s, scriptvars_type(kind))) {
		ret = scriptrun_wait(scriptvars_type(kind), cmd,
				     kind == SCRIPT_ROUTE_UP ? NULL : args.v,
				     scriptenv_vec(&e), s->scripts.run.timeout_ms);
		if (ret)
			scriptrun_log_failure(kind == SCRIPT_UP || kind == SCRIPT_DOWN ?
					      "up/--down" : scriptvars_type(kind),
					      ret);
	}
	scriptenv_free(&e);
	if (has_routes)
		free(rv.r);
	return ret;
}

int server_script_up(struct server *s)
{
	snprintf(s->scripts.dev, sizeof(s->scripts.dev), "%s", dco_ifname(s->dco));
	s->scripts.mtu = dco_mtu(s->dco);
	if (server_run_tun_script(s, SCRIPT_UP, s->o->up, NULL)) {
		/* as OpenVPN's M_FATAL: no down follows */
		log_err("Exiting due to fatal error");
		return -1;
	}
	s->scripts.up = true;
	return 0;
}

void server_script_route_up(struct server *s)
{
	server_run_tun_script(s, SCRIPT_ROUTE_UP, s->o->route_up, NULL);
}

void server_script_down(struct server *s, const char *signal, bool tun_open)
{
	if (!s->scripts.up)
		return;
	if (tun_open)
		server_run_tun_script(s, SCRIPT_ROUTE_PRE_DOWN,
				      s->o->route_pre_down, signal);
	if (tun_open == s->o->down_pre)
		server_run_tun_script(s, SCRIPT_DOWN, s->o->down, signal);
}

/* ---- one client's environment ------------------------------------------------ */

static void client_facts(const struct srv_client *c, struct script_client *cl)
{
	const struct server *s = c->srv;

	memset(cl, 0, sizeof(*cl));
	cl->cn = c->cn;
	cl->username = c->sess.peer_user && c->sess.peer_user[0] ?
		       c->sess.peer_user : NULL;
	cl->peer_info = c->sess.peer_info;
	cl->has4 = c->has4;
	cl->vpn4 = c->vpn4;
	cl->mask4 = s->mask4;
	cl->subnet = s->topo == OPT_TOPO_SUBNET;
	cl->local4.s_addr = htonl(ntohl(c->vpn4.s_addr) - 1);
	cl->has6 = c->has6;
	cl->vpn6 = c->vpn6;
	cl->local6 = s->local6;
	cl->bits6 = s->bits6;
	cl->since = c->since;
	cl->auth_files = &c->scr.auth_files;
}

/* @e for @kind about @c, with @call's extras. 0 or -ENOMEM. */
static int client_env(const struct srv_client *c, enum script_kind kind,
		      const struct scriptenv *call, struct scriptenv *e,
		      bool plugin)
{
	struct script_tun tun;
	struct script_client cl;
	struct route_view rv;
	bool has_routes = route_view_make(c->srv, &rv);
	struct script_info si = server_info(c->srv, kind, &tun,
					    has_routes ? &rv : NULL);
	int ret;

	server_tun(c->srv, &tun);
	client_facts(c, &cl);
	si.client = &cl;
	si.cert = &c->scr.cert;
	si.peer = &c->addr;
	si.trusted = kind != SCRIPT_USER_PASS_VERIFY &&
		     kind != SCRIPT_TLS_CRYPT_V2_VERIFY &&
		     kind != SCRIPT_TLS_VERIFY;
	if (kind == SCRIPT_TLS_VERIFY)
		si.cert_depth = c->tv.depth;
	si.call = call;
	si.plugin = plugin;
	scriptenv_init(e);
	ret = scriptvars_build(e, &si);
	if (has_routes)
		free(rv.r);
	return ret;
}

int server_script_tmpfile(const struct srv_client *c, char *path, size_t len,
			  const char *tag)
{
	int fd = -1;
	char *p = scriptfile_make(c->srv->o->tmp_dir, tag, &fd);

	if (!p)
		return -EIO;
	snprintf(path, len, "%s", p);
	free(p);
	return fd;
}

/* The kind named @type ("client-connect"), as OpenVPN's script_type. */
static enum script_kind kind_of(const char *type)
{
	for (int k = 0; k < SCRIPT_KINDS; k++)
		if (!strcmp(type, scriptvars_type((enum script_kind)k)))
			return (enum script_kind)k;
	return SCRIPT_CLIENT_CONNECT;
}

char **server_script_env(const struct srv_client *c, const char *type,
			 const char *const *extra)
{
	struct scriptenv call, e;
	char **v = NULL;

	scriptenv_init(&call);
	for (; extra && *extra; extra++)
		scriptenv_put(&call, *extra);
	if (!client_env(c, kind_of(type), &call, &e, true)) {
		/* plugins get no script_type (OpenVPN deletes it before a call) */
		scriptenv_drop_prefix(&e, "script_type=");
		v = scriptenv_steal(&e);
	}
	scriptenv_free(&e);
	scriptenv_free(&call);
	return v;
}

void server_script_env_free(char **env)
{
	for (char **p = env; p && *p; p++) {
		mem_wipe(*p, strlen(*p));
		free(*p);
	}
	free(env);
}

void server_script_cert(struct srv_client *c)
{
	struct keystate *ks = c->sess.ks[0];

	if (ks && ks->tls)
		scriptcert_capture(&c->scr.cert, ks->tls, c->cn);
}

void server_script_client_free(struct srv_client *c)
{
	struct srv_scripts *sc = &c->scr;

	if (sc->job)
		scriptrun_detach(&c->srv->scripts.run, sc->job);
	sc->job = NULL;
	scriptfile_drop(&sc->cred_file);
	scriptfile_drop(&sc->acf);
	scriptfile_drop(&sc->apf);
	scriptfile_drop(&sc->afr);
	scriptfile_drop(&sc->ccf);
	scriptfile_drop(&sc->ccr);
	scriptenv_free(&sc->cert);
	scriptenv_free(&sc->auth_files);
	mem_wipe(sc->reason, sizeof(sc->reason));
}

int server_script_start(struct srv_client *c, enum script_kind kind,
			const char *cmd, const char *const *extra,
			const struct scriptenv *call, scriptrun_done done_fn,
			struct scriptrun_job **job)
{
	const char *type = kind == SCRIPT_USER_PASS_VERIFY ?
			   "auth-user-pass-verify" : scriptvars_type(kind);
	struct scriptenv e;
	int ret;

	if (!server_script_allowed(c->srv, type))
		return -EPERM;
	ret = client_env(c, kind, call, &e, false);
	/* nobody waits for it: in order, one at a time, as OpenVPN runs them */
	if (!ret && !done_fn)
		ret = scriptrun_queue(&c->srv->scripts.run, SS_LANE_EVENTS, type,
				      cmd, extra, scriptenv_vec(&e), NULL, NULL, job);
	else if (!ret)
		ret = scriptrun_start(&c->srv->scripts.run, type, cmd, extra,
				      scriptenv_vec(&e), done_fn, c, job);
	scriptenv_free(&e);
	if (ret)
		scriptrun_log_failure(type, ret);
	return ret;
}

/* ---- fire and forget --------------------------------------------------------- */

void server_script_disconnect(struct srv_client *c)
{
	const char *cmd = c->srv->so->client_disconnect;
	struct scriptenv call;
	uint64_t rx, tx;

	if (!cmd)
		return;
	scriptenv_init(&call);
	server_client_bytes(c, &rx, &tx);
	scriptenv_set(&call, "bytes_received", "%llu", (unsigned long long)rx);
	scriptenv_set(&call, "bytes_sent", "%llu", (unsigned long long)tx);
	scriptenv_set(&call, "time_duration", "%lld",
		      (long long)(time(NULL) - c->since));
	server_script_start(c, SCRIPT_CLIENT_DISCONNECT, cmd, NULL, &call, NULL, NULL);
	scriptenv_free(&call);
}

/* learn-address delete: OpenVPN runs it with script_type alone. */
static void learn_delete(struct srv_client *c, const char *cmd, const char *addr)
{
	struct script_info si = { .kind = SCRIPT_LEARN_ADDRESS, .minimal = true };
	struct scriptenv e;

	if (!server_script_allowed(c->srv, "learn-address"))
		return;
	scriptenv_init(&e);
	if (!scriptvars_build(&e, &si))
		scriptrun_queue(&c->srv->scripts.run, SS_LANE_EVENTS,
				"learn-address", cmd,
				(const char *const[]){ "delete", addr, NULL },
				scriptenv_vec(&e), NULL, NULL, NULL);
	scriptenv_free(&e);
}

void server_script_learn_delete(struct srv_client *c, const char *addr)
{
	if (c->srv->so->learn_address)
		learn_delete(c, c->srv->so->learn_address, addr);
}

void server_script_learn(struct srv_client *c, const char *op)
{
	const char *cmd = c->srv->so->learn_address;
	bool del = !strcmp(op, "delete");
	char a[2][INET6_ADDRSTRLEN];
	unsigned n = 0;

	if (!cmd)
		return;
	/* a stale route's delete was said when it went */
	if (c->has4 && !(del && c->stale4))
		inet_ntop(AF_INET, &c->vpn4, a[n++], sizeof(a[0]));
	if (c->has6 && !(del && c->stale6))
		inet_ntop(AF_INET6, &c->vpn6, a[n++], sizeof(a[0]));
	for (unsigned i = 0; i < n; i++) {
		if (del)
			learn_delete(c, cmd, a[i]);
		else
			server_script_learn_addr(c, a[i]);
	}
}

void server_script_learn_addr(struct srv_client *c, const char *addr)
{
	const char *cmd = c->srv->so->learn_address;

	if (cmd)
		server_script_start(c, SCRIPT_LEARN_ADDRESS, cmd,
				    (const char *const[]){ "add", addr, c->cn,
							   NULL },
				    NULL, NULL, NULL);
}

/* --tls-crypt-v2-verify: the client key's metadata (without its type
 * byte) in a file, as OpenVPN's tls_crypt_v2_verify_metadata. Run to
 * completion: the handshake waits on its verdict. */
int server_script_v2_verify(struct srv_client *c, const uint8_t *meta,
			    size_t len)
{
	const char *cmd = c->srv->so->tls_crypt_v2_verify;
	struct scriptenv call, e;
	char *path;
	int fd = -1, ret;

	if (!cmd)
		return 0;
	if (!len || !server_script_allowed(c->srv, "tls-crypt-v2-verify"))
		return -EINVAL;
	path = scriptfile_make(c->srv->o->tmp_dir, "v2meta", &fd);
	if (!path)
		return -EIO;
	ret = write(fd, meta + 1, len - 1) == (ssize_t)(len - 1) ? 0 : -EIO;
	close(fd);
	scriptenv_init(&call);
	scriptenv_set(&call, "metadata_type", "%u", meta[0]);
	scriptenv_set(&call, "metadata_file", "%s", path);
	if (!ret)
		ret = client_env(c, SCRIPT_TLS_CRYPT_V2_VERIFY, &call, &e, false);
	if (!ret) {
		ret = scriptrun_wait("tls-crypt-v2-verify", cmd, NULL,
				     scriptenv_vec(&e), c->srv->scripts.run.timeout_ms);
		scriptenv_free(&e);
	}
	scriptenv_free(&call);
	scriptfile_drop(&path);
	if (!ret)
		return 0;
	log_err("%s TLS Error: --tls-crypt-v2-verify refused the client "
		"key", c->desc);
	/* an exit status is positive: any refusal must be <0 for the
	 * session (session.h v2_verify) */
	return -EACCES;
}
