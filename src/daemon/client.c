/* The client: the reconnect loop over the remotes; one connection is
 * client_conn.c (client_conn.h lists the files that run it). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "daemon/client.h"
#include "daemon/client_conn.h"
#include "daemon/client_persist.h"
#include "daemon/netcfg.h"
#include "daemon/client_status.h"
#include "daemon/sdnotify.h"

/* ---- the reconnect loop ---------------------------------------------------- */

/* Wait @ms for a retry, unless a signal says otherwise. */
static enum conn_end client_pause(struct loop *loop, struct mgmt *m,
				  unsigned ms)
{
	uint64_t until = clock_now_ms() + ms;

	while (clock_now_ms() < until) {
		uint64_t d = mgmt_deadline(m);
		int sig;

		loop_wait(loop, d < until ? d : until);
		mgmt_tick(m, clock_now_ms());
		sig = loop_take_signal(loop);
		if (sig == SIGTERM || sig == SIGINT)
			return END_EXIT;
		if (sig == SIGHUP)
			return END_RELOAD;
	}
	return END_NONE;
}

/* Each connection starts from the options as configured: pulled ones of
 * an earlier connection must not leak into the next. */
static int client_fresh_options(struct options *o, const struct client_args *a,
				struct opt_text_cache *tc)
{
	char err[OPT_ERR_LEN];

	options_init(o);
	if (a->tc) {
		tc = a->tc;
		tc->replay = true;
	}
	o->text_cache = tc;
	if (options_parse_argv(o, a->argc, a->argv, err, sizeof(err))) {
		log_err("%s", err);
		options_free(o);
		return -EINVAL;
	}
	return 0;
}

/* management-query-remote / -proxy: which remote (SKIP goes on at once,
 * as OpenVPN), and how. 0, or SIGTERM when a signal ended the wait. */
static int client_pick_remote(struct client_mgmt *cm, const struct options *o,
			      size_t *idx, struct client_pick *pick)
{
	for (;;) {
		if (client_mgmt_pick(cm, o, *idx, pick))
			return SIGTERM;
		if (!pick->skip || !o->n_remotes)
			return 0;
		*idx = (*idx + pick->skip) % o->n_remotes;
	}
}

/* What lasts across the connections of one client_run. */
struct client_keep {
	struct clientcfg cc;
	struct loop loop;
	struct opt_text_cache tc;
	struct privdrop pd;
	struct tun tun;                 /* fd -1 unless kept across connections */
	int status_fd;                  /* --status, in the main keep */
	struct netcfg_undo undo;
	bool up_done;
	bool reask;                     /* credentials to be asked again */
	struct client_mgmt cm;
	struct plugin_host plugins;
	struct client_script scripts;
	struct client_dns dns;
	struct client_persist persist;  /* persist-remote-ip, -local-ip */
};

/*
 * persist-tun, and always when giving up root: one tun device for every
 * connection. Reopening /dev/net/tun may need root (it is 0600 on some
 * systems); a device already open needs only CAP_NET_ADMIN to configure.
 */
static int client_keep_tun(struct client_keep *k, const struct options *o)
{
	bool offload;
	int err;

	k->tun.fd = -1;
	if (opts_dev_null(o) ||
	    !(o->persist_tun || privdrop_wanted(&k->pd)))
		return 0;
	err = o->dev_type == OPT_DEV_TAP ?
		      tun_open_tap(&k->tun, opts_ifname(o)) :
		      tun_open_offload(&k->tun, opts_ifname(o), true, &offload);
	if (err)
		log_err("cannot open the tun device: %s", strerror(-err));
	return err;
}

/* The manager's answer to >REMOTE / >PROXY, on this connection's own
 * copy of the options (freed with them). */
static void conn_apply_pick(struct conn *c, struct options *o,
			    const struct client_pick *p)
{
	struct opt_proxy *px = p->proxy == PICK_HTTP ? &o->http_proxy :
			       &o->socks_proxy;

	if (p->mod) {
		snprintf(c->mod_host, sizeof(c->mod_host), "%s", p->host);
		snprintf(c->mod_port, sizeof(c->mod_port), "%s", p->port);
		c->ep.host = c->mod_host;
		c->ep.port = c->mod_port;
	}
	if (p->proxy == PICK_DIRECT)
		return;
	free(px->host);
	free(px->port);
	px->host = strdup(p->phost);
	px->port = strdup(p->pport);
	px->no_cleartext = p->nct;
}

static enum conn_end client_connect_once(const struct client_args *a,
					 struct client_keep *k, size_t idx,
					 const struct client_pick *pick,
					 bool *was_up)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct options *o = malloc(sizeof(*o));
	enum conn_end end;

	if (!c || !o || client_fresh_options(o, a, &k->tc)) {
		free(c);
		free(o);
		return END_FATAL;
	}
	c->o = o;
	c->cc = &k->cc;
	c->loop = &k->loop;
	c->pd = &k->pd;
	c->plugins = &k->plugins;
	c->scripts = &k->scripts;
	c->dns = &k->dns;
	c->kept_tun = &k->tun;
	c->status_fd = k->status_fd;
	c->undo = &k->undo;
	c->up_done = &k->up_done;
	c->cm = &k->cm;
	c->reask = &k->reask;
	c->tcp_fd = -1;
	c->udp_fd = -1;
	c->reneg_key_id = -1;
	c->persist = &k->persist;
	push_init(&c->push);
	if (options_remote(o, idx, &c->ep)) {
		/* No remote: a P2P server listening for its peer. */
		c->ep.proto = o->proto.proto == OPT_PROTO_NONE ? OPT_PROTO_UDP :
			      o->proto.proto;
		c->ep.family = o->proto.family;
	}
	options_use_remote_proxy(o, idx);	/* <connection>'s http-proxy */
	conn_apply_pick(c, o, pick);
	c->tr = c->ep.proto == OPT_PROTO_UDP ? DCO_TRANSPORT_UDP : DCO_TRANSPORT_TCP;
	c->config_cipher = o->cipher ? strdup(o->cipher) : NULL;
	end = conn_run(c);
	client_persist_end(&k->persist, c, end);
	*was_up = c->up;
	/* as OpenVPN: >UPDOWN:DOWN before the EXITING/RECONNECTING state */
	if (conn_goes_down(c))
		conn_updown(c, "DOWN");
	if (end == END_RESTART || end == END_NEXT || end == END_POLL) {
		client_mgmt_state(&k->cm, "RECONNECTING", c->end_desc ?
				  c->end_desc : "connection-reset");
	} else if (end != END_RELOAD) {	/* RECONNECTING,SIGHUP at the end */
		conn_log_exit(c);
		client_mgmt_state(&k->cm, "EXITING", c->end_desc ? c->end_desc :
				  end == END_EXIT ? "SIGTERM" : "error");
	}
	conn_close(c);
	free(c->config_cipher);
	free(c);
	options_free(o);
	free(o);
	return end;
}

/* Options dcovpn parses but does not act on (yet): say so once. */
static void client_warn_unused(const struct options *o)
{
	static const char *const names[] = {
		"fragment",
		"route-metric", "block-ipv6",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (options_was_set(o, names[i]))
			log_warn("WARNING: --%s is accepted but has no effect in "
				 "dcovpn yet", names[i]);
	options_ifconfig_warn(o);
}

/* client_run with the plugins loaded into @k */
static enum client_exit client_run_keep(const struct options *o,
					const struct client_args *a,
					struct client_keep *k)
{
	char err[CLIENTCFG_ERR_LEN];
	unsigned delay = o->connect_retry > 0 ? (unsigned)o->connect_retry : 1u;
	unsigned max_delay = o->connect_retry_max_delay > 0 ?
			     (unsigned)o->connect_retry_max_delay : 300u;
	enum client_exit ret = CLIENT_EXIT_OK;
	struct client_retry retry;
	size_t idx = 0;

	client_retry_init(&retry, o);
	/* Credentials asked on the terminal come before loop_init(), which
	 * blocks SIGINT (Ctrl-C must still end a prompt); asked through
	 * management-query-passwords, after the interface is up. */
	bool ask_mgmt = o->mgmt_addr && (o->mgmt_query_passwords ||
					 o->mgmt_external_key);
	/* as OpenVPN: the certificate is asked for after the first hold */
	bool early_hold = ask_mgmt && o->mgmt_external_cert;

	if (!ask_mgmt && clientcfg_init(&k->cc, o, NULL, err, sizeof(err))) {
		log_err("%s", err);
		clientcfg_free(&k->cc);
		return CLIENT_EXIT_FATAL;
	}
	if (loop_init(&k->loop)) {
		clientcfg_free(&k->cc);
		return CLIENT_EXIT_FATAL;
	}
	client_script_init(&k->scripts, &k->loop);
	client_dns_init(&k->dns, &k->loop);
	if (client_mgmt_open(&k->cm, o, &k->loop, a->keep) ||
	    (early_hold && mgmt_hold(k->cm.m, &k->loop, 0)) ||
	    (ask_mgmt && clientcfg_init(&k->cc, o, client_mgmt_asker(&k->cm, o),
					err, sizeof(err)))) {
		if (ask_mgmt && k->cm.m)
			log_err("%s", err);
		client_mgmt_close(&k->cm);
		loop_free(&k->loop);
		clientcfg_free(&k->cc);
		return CLIENT_EXIT_FATAL;
	}
	if (client_keep_tun(k, o)) {
		client_mgmt_close(&k->cm);
		loop_free(&k->loop);
		clientcfg_free(&k->cc);
		return CLIENT_EXIT_FATAL;
	}
	/* Ready before connecting, as OpenVPN: a server that cannot be
	 * reached must not fail the unit's start; it is retried. */
	sdnotify_ready();
	if (o->remote_random && o->n_remotes > 1)
		idx = (size_t)clock_now_ms() % o->n_remotes;
	for (bool first = true;; first = false) {
		bool was_up = false;
		struct client_pick pick;
		/* as OpenVPN: the restart pause is announced, not the start */
		int held = early_hold ? 0 :
			   mgmt_hold(k->cm.m, &k->loop, first ? 0 : delay);
		enum conn_end end;

		early_hold = false;
		if (!held)
			held = client_pick_remote(&k->cm, o, &idx, &pick);
		end = held == SIGHUP ? END_RELOAD : held ? END_EXIT :
		      client_connect_once(a, k, idx, &pick, &was_up);

		if (end == END_EXIT || end == END_FATAL || end == END_RELOAD) {
			ret = end == END_EXIT ? CLIENT_EXIT_OK :
			      end == END_FATAL ? CLIENT_EXIT_FATAL : CLIENT_EXIT_RELOAD;
			break;
		}
		if (k->cm.forgotten)	/* the manager said forget-passwords */
			clientcfg_set_token(&k->cc, NULL);
		if (k->reask || k->cm.forgotten) {
			k->reask = k->cm.forgotten = false;
			if (clientcfg_userpass_again(&k->cc, o, err, sizeof(err))) {
				log_err("%s", err);
				ret = CLIENT_EXIT_FATAL;
				break;
			}
		}
		if (client_retry_exhausted(&retry, was_up)) {
			ret = CLIENT_EXIT_FATAL;
			break;
		}
		if (!was_up || end == END_NEXT || end == END_POLL)
			idx = o->n_remotes ? (idx + 1) % o->n_remotes : 0;
		delay = was_up ? 1u : delay;
		/* after a server poll timeout the next remote is tried at once */
		if (end != END_POLL)
			log_info("Restart pause, %u second(s)", delay);
		end = client_pause(&k->loop, k->cm.m,
				   end == END_POLL ? 0 : delay * 1000u);
		if (end != END_NONE) {
			ret = end == END_EXIT ? CLIENT_EXIT_OK : CLIENT_EXIT_RELOAD;
			break;
		}
		if (!was_up && delay < max_delay)
			delay = delay * 2 > max_delay ? max_delay : delay * 2;
	}
	netcfg_undo(&k->undo);
	if (k->tun.fd >= 0)
		tun_close(&k->tun);
	client_dns_free(&k->dns);
	client_script_free(&k->scripts);
	if (ret == CLIENT_EXIT_RELOAD)
		client_mgmt_reload(&k->cm, a->keep);
	else
		client_mgmt_close(&k->cm);
	loop_free(&k->loop);
	clientcfg_free(&k->cc);
	opt_text_cache_free(&k->tc);
	return ret;
}

enum client_exit client_run(const struct options *o, const struct client_args *a)
{
	char err[CLIENTCFG_ERR_LEN];
	struct client_keep k = { 0 };
	enum client_exit ret = CLIENT_EXIT_FATAL;

	client_warn_unused(o);
	/* opened before the privileges go, kept across restarts (keep.h) */
	k.status_fd = client_status_open(o, a->keep);
	if (privdrop_prepare(&k.pd, o->user, o->group, err, sizeof(err)) ||
	    privdrop_chroot(&k.pd, o->chroot_dir, err, sizeof(err))) {
		log_err("Options error: %s", err);
		return CLIENT_EXIT_FATAL;
	}
	/* as root, before the signals are blocked (what a plugin forks
	 * inherits the mask) and before the privileges go */
	if (!plugin_host_load(&k.plugins, o))
		ret = client_run_keep(o, a, &k);
	plugin_host_close(&k.plugins);
	return ret;
}
