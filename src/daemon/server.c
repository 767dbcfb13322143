/* The multi-client server: timers, set-up, the loop and teardown. The
 * client table is in server_clients.c, the events in server_events.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "base/clock.h"
#include "base/log.h"
#include "conf/opt_server.h"
#include "ctl/mudp.h"
#include "daemon/mgmt.h"
#include "daemon/clientcfg.h"
#include "daemon/confine.h"
#include "daemon/engine_log.h"
#include "daemon/keep.h"
#include "daemon/netcfg.h"
#include "daemon/privdrop.h"
#include "daemon/sdnotify.h"
#include "daemon/server.h"
#include "daemon/server_int.h"
#include "daemon/status.h"
#include "ev/loop.h"
#include "io/tcp.h"
#include "io/udp.h"
#include "net/netlink.h"

/* ---- timers ---------------------------------------------------------------- */

static uint64_t server_tick(struct server *s, uint64_t now)
{
	uint64_t next = now + 1000u, sd;
	uint64_t tcp_next;

	/* the clients whose time came (server_due.c), not every client */
	server_due_run(s, now, &next);
	/* TCP connections that never sent a first packet */
	tcp_next = server_listen_tick(s, now);
	if (tcp_next < next)
		next = tcp_next;
	server_stale_tick(s, now, &next);
	server_reap(s);
	mem_trim_tick(&s->trim, now, &next);
	sd = server_script_tick(s, now);
	if (sd < next)
		next = sd;
	status_tick(s, now);
	mgmt_tick(s->mgmt, now);
	if (mgmt_deadline(s->mgmt) < next)
		next = mgmt_deadline(s->mgmt);
	/* ifconfig-pool-persist FILE SECONDS: rewritten every SECONDS */
	if (s->has_pool && s->so->pool_persist && s->so->pool_persist_secs > 0) {
		if (now >= s->pool_save_ms) {
			if (s->pool_save_ms)
				server_pool_save(s);
			s->pool_save_ms = now + (uint64_t)s->so->pool_persist_secs * 1000u;
		}
		if (s->pool_save_ms < next)
			next = s->pool_save_ms;
	}
	if (s->status_next_ms && s->status_next_ms < next)
		next = s->status_next_ms;
	return next;
}

/* ---- set-up ----------------------------------------------------------------- */

/* persist-tun, or --user/--group (a restart could not open it again, as
 * the client): the device outlives this instance, in s->keep. */
static int server_kept_tun(struct server *s, struct dco_config *dc)
{
	struct tun *t;
	int err = 0;

	if (!s->o->persist_tun && !s->o->user && !s->o->group)
		return 0;
	t = keep_tun(s->keep, dc->ifname, dc->tap, &err);
	if (!t)
		return err;
	dc->adopt_tun = true;
	dc->tun_fd = t->fd;
	s->tun_kept = true;
	return 0;
}

static int server_open_engine(struct server *s)
{
	const struct options *o = s->o;
	struct dco_config dc = {
		.ifname = opts_ifname(o),
		.mtu = o->tun_mtu > 0 ? (unsigned)o->tun_mtu : 1500u,
		.mode = DCO_MODE_MP,
		.replay_window = o->replay_window > 0 ? (unsigned)o->replay_window : 0,
		.replay_window_secs = o->replay_time > 0 ? (unsigned)o->replay_time : 0,
		.client_to_client = s->so->client_to_client,
		.keep_link = o->ifconfig_noexec,
		.aead_backend = o->aead_backend,
		.allow_recursive_routing = o->allow_recursive_routing,
		.tap = o->dev_type == OPT_DEV_TAP,
		.passtos = o->passtos,
	};
	int ret;

	/* a dual-stack socket may carry IPv6: clamp for the larger header
	 * (one clamp for all sockets: the largest header of any) */
	dc.mss = netcfg_mss(o, s->ls.any_v6, s->ls.any_tcp);
	ret = server_kept_tun(s, &dc);
	if (!ret)
		ret = dco_open(&s->dco, &dc);

	if (ret) {
		log_err("cannot open the tun device: %s", strerror(-ret));
		return ret;
	}
	ret = engine_events_open(&s->events, s->loop, s->dco,
				 server_engine_event, s);
	if (!ret && !o->ifconfig_noexec)
		ret = server_net_up(s);
	if (!ret)
		ret = dco_start(s->dco);
	if (ret) {
		log_err("cannot bring up %s: %s", dco_ifname(s->dco), strerror(-ret));
		return ret;
	}
	log_info("TUN/TAP device %s opened", dco_ifname(s->dco));
	if (server_script_up(s))
		return -1;
	if (!o->route_noexec)
		server_routes_up(s);
	server_script_route_up(s);
	return 0;
}

static void server_log_stats(struct server *s);

static void server_signal(struct server *s, int sig)
{
	if (sig == SIGTERM || sig == SIGINT) {
		log_info("%s[hard,] received, process exiting",
			 sig == SIGINT ? "SIGINT" : "SIGTERM");
		s->stop = true;
		s->stop_sig = sig;
	} else if (sig == SIGUSR2) {
		status_write_log(s);
		server_log_stats(s);
	} else if (sig == SIGHUP && !mgmt_hold_set(s->mgmt) &&
		   server_reload(s)) {
		/* applied in place, clients kept (server_reload.h); with
		 * management-hold a restart, to hold as OpenVPN does. The
		 * clients' timers are computed again with the new options. */
		server_mgmt_reloaded(s);
		server_due_wake_all(s);
	} else if (sig == SIGHUP || sig == SIGUSR1) {
		/* As OpenVPN's server: clients are told (RESTART, with
		 * explicit-exit-notify) and come back to the new instance,
		 * which reads the configuration again. */
		log_info("SIG%s[hard,] received, process restarting",
			 sig == SIGHUP ? "HUP" : "USR1");
		s->stop = true;
		s->restart = true;
		s->stop_sig = sig;
	}
}

/* Tell every UDP client we go (2.6: RESTART via cc-exit). */
static void server_goodbye(struct server *s)
{
	uint64_t now = clock_now_ms();

	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];

		if (c && c->pushed && !c->dead && c->tr == DCO_TRANSPORT_UDP &&
		    s->o->explicit_exit_notify)
			session_send_message(&c->sess, "RESTART", now);
	}
}

static void server_loop(struct server *s)
{
	while (!s->stop) {
		uint64_t now = clock_now_ms();
		uint64_t next = server_tick(s, now);

		if (loop_wait(s->loop, next) < 0)
			break;
		server_signal(s, loop_take_signal(s->loop));
		server_reap(s);
	}
	server_goodbye(s);
}

/* The engine's counters at exit: what was dropped, and why. */
static void server_log_stats(struct server *s)
{
	char extra[128];

	snprintf(extra, sizeof(extra), "cookie replies %llu, control packets "
		 "failing tls-auth/tls-crypt %llu",
		 (unsigned long long)s->cookie_replies,
		 (unsigned long long)s->auth_drops);
	engine_log_stats(s->dco, extra);
}

static void server_close(struct server *s)
{
	const char *sig = s->restart ? "sighup" : "sigterm";

	server_log_stats(s);
	for (uint32_t i = 0; s->clients && i < s->max_clients; i++)
		if (s->clients[i])
			server_client_free(s, s->clients[i]);
	server_listen_close(s);
	/* client-disconnect scripts still running end first, and the
	 * plugins' last calls */
	server_script_free(s);
	server_plugin_drain(s);
	server_script_down(s, sig, true);
	if (s->dco) {
		/* the kept device starts the next instance bare */
		if (s->tun_kept && s->restart && !s->o->ifconfig_noexec)
			server_net_down(s);
		engine_events_close(&s->events, s->loop);
		dco_close(s->dco);
	}
	server_script_down(s, sig, false);
	/* after the engine's threads, which may log (the log tee) */
	server_mgmt_ending(s);
	server_mgmt_close(s);
	status_close(s);
	server_pool_save(s);
	pool_free(&s->pool);
	mudp_free(&s->mudp);
	free(s->clients);
	dueheap_free(&s->due);
	idq_free(&s->free_slots);
	server_index_free(&s->idx);
	clientcfg_free(&s->cc);
	authtoken_key_wipe(&s->token_key);
	server_plugin_close(s);
	server_reload_free(s);	/* the options read at reloads, last */
}

/* auth-gen-token's key: auth-gen-token-secret, or random for this run. */
static int server_token_key(struct server *s, char *err, size_t errlen)
{
	const char *path = s->so->auth_token_secret;
	char buf[4096];
	ssize_t n;
	int fd, ret;

	if (!s->so->auth_gen_token)
		return 0;
	if (!path) {
		ret = authtoken_key_random(&s->token_key);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		if (n < 0) {
			snprintf(err, errlen, "auth-gen-token-secret: cannot read %s",
				 path);
			return -EIO;
		}
		ret = authtoken_key_parse(&s->token_key, buf, (size_t)n, err,
					  errlen);
		OPENSSL_cleanse(buf, sizeof(buf));
	}
	s->has_token_key = ret == 0;
	return ret;
}

/* What the server cannot do yet, refused rather than silently skipped. */
static int server_refuse(const struct options *o)
{
	const char *why = NULL;

	if (o->ipchange)	/* OpenVPN's own words */
		why = "--ipchange cannot be used with --mode server (use "
		      "--client-connect instead)";
	if (why)
		log_err("Options error: %s", why);
	return why ? -EINVAL : 0;
}

/* Parsed but without effect in the server (yet): say so once. */
static void server_warn_unused(const struct options *o)
{
	static const char *const names[] = {
		"route-metric",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!options_was_set(o, names[i]))
			continue;
		log_warn("WARNING: --%s is accepted but has no effect in "
			 "dcovpn's server yet", names[i]);
	}
}

int server_run(const struct options *o, struct keep *keep,
	       const struct server_reparse *rp)
{
	char err[CLIENTCFG_ERR_LEN];
	struct server *s = calloc(1, sizeof(*s));
	struct privdrop pd;
	struct loop loop;
	int ret = 1, held;

	if (!s || loop_init(&loop)) {
		free(s);
		return 1;
	}
	server_warn_unused(o);
	if (privdrop_prepare(&pd, o->user, o->group, err, sizeof(err)) ||
	    privdrop_chroot(&pd, o->chroot_dir, err, sizeof(err))) {
		log_err("Options error: %s", err);
		loop_free(&loop);
		free(s);
		return 1;
	}
	if (server_refuse(o)) {
		loop_free(&loop);
		free(s);
		return 1;
	}
	s->o = o;
	s->so = o->srv;
	s->loop = &loop;
	server_script_init(s);
	s->status_fd = -1;
	s->pool_fd = -1;
	s->keep = keep;
	s->max_clients = (uint32_t)s->so->max_clients;
	s->clients = calloc(s->max_clients, sizeof(*s->clients));
	if (!s->clients || dueheap_init(&s->due, s->max_clients) ||
	    idq_init(&s->free_slots, s->max_clients) ||
	    server_index_init(&s->idx, s->max_clients) || server_plan(s))
		goto out_free;
	if (clientcfg_init(&s->cc, o, NULL, err, sizeof(err))) {
		log_err("%s", err);
		goto out_free;
	}
	if (server_token_key(s, err, sizeof(err))) {
		log_err("%s", err);
		goto out;
	}
	if (server_listen_plan(s))
		goto out;
	server_reload_init(s, rp);
	if (mudp_init(&s->mudp, s->cc.has_wrap ? &s->cc.wrap : NULL, 0))
		goto out;
	if (s->cc.v2s)
		mudp_set_v2(&s->mudp, s->cc.v2s, o->tls_crypt_v2_force_cookie);
	/* plugins open as root, before the daemon drops it (down-root's
	 * helper keeps it), as OpenVPN's OPENVPN_PLUGIN_INIT_PRE_DAEMON */
	if (server_plugin_open(s))
		goto out;
	/* management first: management-hold waits before anything opens */
	held = server_mgmt_open(s);
	if (held) {
		s->restart = held == SIGHUP;
		s->stop_sig = held > 0 ? held : 0;
		ret = held < 0 ? 1 : s->restart ? SERVER_RESTART : 0;
		goto out;
	}
	if (server_open_engine(s) ||
	    server_listen_open(s, server_tcp_first, server_tcp_foreign))
		goto out;
	status_open(s);
	server_mgmt_connected(s);
	sdnotify_ready();	/* listening: a unit waiting for it may go on */
	log_milestone("Initialization Sequence Completed");
	sdnotify_completed();
	/* The tun, the sockets and the state files are open: root is no
	 * longer needed (a restart keeps those files, daemon/keep.h; its
	 * configuration must be readable by that user, as OpenVPN's). */
	if (privdrop_apply(&pd, err, sizeof(err))) {
		log_err("--user/--group: %s; exiting", err);
		goto out;
	}
	if (server_plugin_post_uid(s))
		goto out;
	confine_daemon(o);
	server_loop(s);
	ret = s->restart ? SERVER_RESTART : 0;
out:
	server_close(s);
	loop_free(&loop);
	free(s);
	return ret;
out_free:
	free(s->clients);
	dueheap_free(&s->due);
	idq_free(&s->free_slots);
	server_index_free(&s->idx);
	loop_free(&loop);
	free(s);
	return 1;
}
