/* One client connection's life: open (engine, link, session), the
 * timers and signals while it runs, and close. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "daemon/client_conn.h"
#include "daemon/netcfg.h"
#include "daemon/client_status.h"
#include "daemon/engine_log.h"
#include "proto/datapkt.h"

void conn_log_exit(const struct conn *c)
{
	bool notified = c->signal && !strcmp(c->signal, "exit-with-notification");

	if (c->exit_sig)
		log_info("%s[%s,%s] received, process exiting",
			 c->exit_sig == SIGINT ? "SIGINT" : "SIGTERM",
			 notified ? "soft" : "hard", notified ? c->signal : "");
}

void conn_end(struct conn *c, enum conn_end why)
{
	if (c->end == END_NONE || why == END_EXIT || why == END_FATAL)
		c->end = why;
}

/* A TLS error restarts, or with --tls-exit ends the process (OpenVPN's
 * SIGTERM "tls-error"). */
enum conn_end conn_tls_failed(struct conn *c)
{
	if (!c->o->tls_exit)
		return END_RESTART;
	log_info("TLS error with --tls-exit: exiting");
	c->end_desc = "tls-error";
	return END_EXIT;
}

/* ---- one connection -------------------------------------------------------- */

/* Statistics, OpenVPN's way: into the --status file, or (SIGUSR2) the log. */
static void conn_status(struct conn *c, bool to_file)
{
	struct dco_stats st = { 0 };
	int err;

	if (c->dco)
		dco_get_stats(c->dco, DCO_PEER_ID_NONE, &st);
	if (!to_file) {
		client_status_log(&st);
		return;
	}
	err = c->status_fd < 0 ? -EBADF : client_status_write(c->status_fd, &st);
	if (err) /* once per --status interval at most */
		log_warn("cannot write the status file %s: %s",
			 c->o->status_file, strerror(-err));
}

static void conn_signal(struct conn *c, int sig)
{
	switch (sig) {
	case SIGINT:
	case SIGTERM:
		/* OpenVPN names what it does about it: telling the server */
		c->signal = c->o->explicit_exit_notify > 0 &&
			    c->tr == DCO_TRANSPORT_UDP ? "exit-with-notification" :
			    sig == SIGINT ? "sigint" : "sigterm";
		/* management's EXITING reason: the same, as OpenVPN names it
		 * (management-client: what the interface said) */
		c->end_desc = !strcmp(c->signal, "sigint") ? "SIGINT" :
			      !strcmp(c->signal, "sigterm") ? "SIGTERM" : c->signal;
		if (mgmt_exit_reason(c->cm->m))
			c->end_desc = mgmt_exit_reason(c->cm->m);
		c->exit_sig = sig;	/* logged once down (conn_log_exit) */
		conn_end(c, END_EXIT);
		break;
	case SIGUSR1:
		log_info("SIGUSR1[hard,] received, process restarting");
		c->signal = "sigusr1";
		c->end_desc = "SIGUSR1";
		conn_end(c, END_RESTART);
		break;
	case SIGHUP:	/* logged once the connection is down (client_mgmt_reload) */
		c->signal = "sighup";
		conn_end(c, END_RELOAD);
		break;
	case SIGUSR2:
		conn_status(c, false);
		break;
	default:
		break;
	}
}

/*
 * reneg-bytes / reneg-pkts: the engine counts what crosses the link; the
 * control plane compares it with the totals when the current key started.
 */
static void conn_check_reneg_counters(struct conn *c, uint64_t now)
{
	const struct options *o = c->o;
	struct dco_stats st;
	uint64_t bytes, pkts;
	int kid;

	if ((o->reneg_bytes <= 0 && o->reneg_pkts <= 0) || !c->peer_added ||
	    !c->sess.ks[0] || dco_get_stats(c->dco, c->peer_id, &st))
		return;
	bytes = st.link_rx_bytes + st.link_tx_bytes;
	pkts = st.link_rx_packets + st.link_tx_packets;
	kid = c->sess.ks[0]->key_id;
	if (kid != c->reneg_key_id) {
		c->reneg_key_id = kid;
		c->reneg_bytes0 = bytes;
		c->reneg_pkts0 = pkts;
		return;
	}
	if ((o->reneg_bytes > 0 && bytes - c->reneg_bytes0 >= (uint64_t)o->reneg_bytes) ||
	    (o->reneg_pkts > 0 && pkts - c->reneg_pkts0 >= (uint64_t)o->reneg_pkts)) {
		if (session_renegotiate(&c->sess, now) == 0)
			log_info("TLS: soft reset after %llu bytes / %llu packets",
				 (unsigned long long)(bytes - c->reneg_bytes0),
				 (unsigned long long)(pkts - c->reneg_pkts0));
	}
}

/* server-poll-timeout, session-timeout and --inactive (client_limits.c). */
static void conn_check_limits(struct conn *c, uint64_t now)
{
	struct dco_stats st = { 0 };

	if (c->session_deadline_ms && now >= c->session_deadline_ms) {
		log_info("Session timeout, exiting");
		c->end_desc = "session-timeout";
		conn_end(c, END_EXIT);
		return;
	}
	if (client_poll_expired(c->poll_deadline_ms, c->sess.have_peer_sid,
				now)) {
		c->end_desc = "server_poll";
		conn_end(c, END_POLL);
		return;
	}
	if (!c->inact.deadline_ms || now < c->inact.deadline_ms)
		return;
	if (c->peer_added)
		dco_get_stats(c->dco, c->peer_id, &st);
	if (client_inactive_expired(&c->inact, st.tun_rx_bytes +
				    st.tun_tx_bytes, now)) {
		log_info("Inactivity timeout (--inactive), exiting");
		c->end_desc = "inactive";
		conn_end(c, END_EXIT);
	}
}

static void conn_tick(struct conn *c, uint64_t now)
{
	conn_check_reneg_counters(c, now);
	if (c->routes_at_ms && now >= c->routes_at_ms) {
		c->routes_at_ms = 0;
		conn_routes_up(c);
	}
	mgmt_tick(c->cm->m, now);
	scriptrun_tick(&c->scripts->run, now);
	if (c->o->status_file && now >= c->status_next_ms) {
		unsigned iv = c->o->status_interval > 0 ?
				      (unsigned)c->o->status_interval : 60u;

		conn_status(c, true);
		c->status_next_ms = now + iv * 1000ull;
	}
	if (session_tick(&c->sess, now)) {
		conn_end(c, conn_tls_failed(c));
		return;
	}
	conn_check_limits(c, now);
	conn_pull_tick(c, now);
}

/* reneg-bytes / reneg-pkts are polled: often enough to land near the limit. */
#define CONN_COUNTER_POLL_MS 200u

static uint64_t conn_deadline(const struct conn *c)
{
	uint64_t a = session_next_deadline(&c->sess);
	uint64_t b = push_next_deadline(&c->push);
	uint64_t d = a < b ? a : b;

	if (c->poll_deadline_ms && !c->sess.have_peer_sid &&
	    c->poll_deadline_ms < d)
		d = c->poll_deadline_ms;
	if (c->inact.deadline_ms && c->inact.deadline_ms < d)
		d = c->inact.deadline_ms;
	if (c->session_deadline_ms && c->session_deadline_ms < d)
		d = c->session_deadline_ms;
	if (c->routes_at_ms && c->routes_at_ms < d)
		d = c->routes_at_ms;
	if (c->connect_check_ms && c->connect_check_ms < d)
		d = c->connect_check_ms;

	if (c->peer_added && (c->o->reneg_bytes > 0 || c->o->reneg_pkts > 0)) {
		uint64_t p = clock_now_ms() + CONN_COUNTER_POLL_MS;

		d = d < p ? d : p;
	}
	if (c->o->status_file && c->status_next_ms < d)
		d = c->status_next_ms;
	if (mgmt_deadline(c->cm->m) < d)
		d = mgmt_deadline(c->cm->m);
	if (scriptrun_deadline(&c->scripts->run) < d)
		d = scriptrun_deadline(&c->scripts->run);
	return d;
}

/*
 * Tell the server we go, if asked to with explicit-exit-notify: an EXIT
 * control message where it speaks cc-exit (2.6), else OpenVPN's older
 * in-band OCC_EXIT on the data channel (2.4/2.5 servers), sent twice as
 * UDP may lose one.
 */
static void conn_exit_notify(struct conn *c)
{
	uint8_t occ[DATAPKT_OCC_MAGIC_LEN + 1];
	unsigned sent = 0;

	if (!c->up || !c->o->explicit_exit_notify || c->tr != DCO_TRANSPORT_UDP)
		return;
	if (c->cc_exit) {
		if (session_send_message(&c->sess, "EXIT", clock_now_ms()) == 0)
			log_info("SIGTERM: sent EXIT to the server "
				 "(explicit-exit-notify)");
		return;
	}
	memcpy(occ, datapkt_occ_magic, DATAPKT_OCC_MAGIC_LEN);
	occ[DATAPKT_OCC_MAGIC_LEN] = DATAPKT_OCC_EXIT;
	for (unsigned i = 0; i < 2; i++)
		sent += dco_send_data_msg(c->dco, c->peer_id, occ, sizeof(occ)) == 0;
	if (sent)
		log_info("SIGTERM: sent OCC_EXIT to the server "
			 "(explicit-exit-notify; it has no cc-exit)");
}

static int conn_session(struct conn *c)
{
	struct session_config sc = {
		.server = c->o->tls_server,
		.tls = c->cc->tls,
		.wrap = c->cc->has_wrap ? &c->cc->wrap : NULL,
		.wrap_sk = c->cc->has_wrap ? &c->cc->wrap_sk : NULL,
		.v2 = c->cc->v2,
		.hand_window_s = c->o->hand_window > 0 ? (unsigned)c->o->hand_window : 0,
		.tls_timeout_s = c->o->tls_timeout > 0 ? (unsigned)c->o->tls_timeout : 0,
		.reneg_sec = c->o->reneg_sec >= 0 ? (unsigned)c->o->reneg_sec : 3600u,
		.tran_window_s = c->o->tran_window > 0 ? (unsigned)c->o->tran_window : 0,
		.max_packet = (unsigned)c->o->max_packet_size,
		.options_string = c->cc->occ,
		.peer_info = c->cc->peer_info,
		.username = c->cc->username,
		.password = c->cc->auth_token ? c->cc->auth_token : c->cc->password,
		.remote_desc = c->remote_desc,
		.auth = c->o->auth,
	};
	struct session_ops ops = {
		.send = conn_send,
		.message = conn_message,
		.active = conn_active,
		.peer_found = conn_peer_found,
	};
	int ret;

	clientcfg_occ(c->cc, c->o, c->ep.proto, c->remote.ss_family == AF_INET6);
	ret = session_init(&c->sess, &sc, &ops, c, clock_now_ms());
	if (ret)
		log_err("cannot start the control channel: %s", strerror(-ret));
	c->sess_up = ret == 0;
	c->cm->sess = c->sess_up ? &c->sess : NULL;
	return ret;
}

bool opts_dev_null(const struct options *o)
{
	return (o->dev && !strcmp(o->dev, "null")) || o->dev_type == OPT_DEV_NULL;
}

static int conn_open(struct conn *c)
{
	struct dco_config dc = {
		.ifname = NULL,
		.mtu = c->o->tun_mtu > 0 ? (unsigned)c->o->tun_mtu : 1500u,
		.mode = DCO_MODE_P2P,
		.replay_window = c->o->replay_window > 0 ?
				 (unsigned)c->o->replay_window : 0,
		.replay_window_secs = c->o->replay_time > 0 ?
				      (unsigned)c->o->replay_time : 0,
		.aead_backend = c->o->aead_backend,
		.static_key = c->cc->has_secret,
		.tap = c->o->dev_type == OPT_DEV_TAP,
		.passtos = c->o->passtos,
	};
	int ret;

	/* dev null: the control channel (and keys) without a tun device */
	c->dev_null = opts_dev_null(c->o);
	dc.no_tun = c->dev_null;
	dc.keep_link = c->o->ifconfig_noexec;
	dc.allow_recursive_routing = c->o->allow_recursive_routing;
	dc.ifname = opts_ifname(c->o);
	if (c->kept_tun && c->kept_tun->fd >= 0) {
		dc.adopt_tun = true;
		dc.tun_fd = c->kept_tun->fd;
	}
	if ((c->o->tls_server || c->cc->has_secret) && !c->o->n_remotes) {
		/* P2P server, no --remote: whoever comes first (static key:
		 * whose data authenticates first, client_static.c). */
		c->remote_open = true;
		c->remote.ss_family = c->o->proto.family == OPT_AF_INET6 ? AF_INET6 :
				      c->o->proto.family == OPT_AF_INET ? AF_INET :
				      AF_INET6;
		snprintf(c->remote_desc, sizeof(c->remote_desc), "[undef]");
	} else {
		ret = conn_resolve(c);
		if (ret)
			return ret;
		conn_describe(c);
	}
	if (c->o->tls_server && c->tr != DCO_TRANSPORT_UDP) {
		log_err("Options error: --tls-server over TCP is not supported yet");
		return -EINVAL;
	}
	dc.mss = netcfg_mss(c->o, c->remote.ss_family == AF_INET6,
			    c->tr == DCO_TRANSPORT_TCP);
	ret = dco_open(&c->dco, &dc);
	if (ret) {
		log_err("cannot open the tun device: %s", strerror(-ret));
		return ret;
	}
	ret = engine_events_open(&c->events, c->loop, c->dco, conn_engine_event, c);
	if (ret)
		return ret;
	c->cm->dco = c->dco;
	client_mgmt_state(c->cm, c->tr == DCO_TRANSPORT_UDP ? "WAIT" :
			  "TCP_CONNECT", NULL);
	ret = c->tr == DCO_TRANSPORT_UDP ? conn_open_udp(c) : conn_open_tcp(c);
	if (ret)
		return ret;
	return c->cc->has_secret ? conn_static_up(c) : conn_session(c);
}

/* The connection ends for good (no restart keeps the tun). */
static bool conn_last(const struct conn *c)
{
	return c->end == END_EXIT || c->end == END_FATAL || c->end == END_RELOAD;
}

/* The tunnel goes down with this connection (down script, >UPDOWN). */
bool conn_goes_down(const struct conn *c)
{
	bool kept = c->kept_tun && c->kept_tun->fd >= 0;

	return c->up && (!kept || conn_last(c));
}

/*
 * With a kept tun (persist-tun) a restart leaves the device, its routes
 * and the up/down scripts alone, as OpenVPN does; only the last
 * connection of a run (exit, fatal error, SIGHUP) takes them down.
 */
void conn_close(struct conn *c)
{
	bool kept = c->kept_tun && c->kept_tun->fd >= 0;
	bool last = conn_last(c);
	bool down = conn_goes_down(c);

	c->cm->dco = NULL;
	c->cm->sess = NULL;
	if (c->sess_up)
		session_free(&c->sess);
	if (c->tcp_fd >= 0) {
		loop_del(c->loop, c->tcp_fd);
		close(c->tcp_fd);
	}
	conn_socks_close(c);
	if (c->job)
		scriptrun_detach(&c->scripts->run, c->job);
	client_script_cancel(c->scripts);
	conn_release_held(c, false);
	down = down && !c->up_failed;
	/* $signal as OpenVPN's signal_description: the reason, if one was
	 * given ("ping-restart", "auth-failure"), else the signal's name */
	if (!c->signal && !c->end_desc && c->end == END_RESTART)
		c->signal = "connection-reset";
	if (!c->signal && c->end_desc) {
		for (size_t i = 0; i + 1 < sizeof(c->signal_text) && c->end_desc[i]; i++)
			c->signal_text[i] = (char)tolower((unsigned char)c->end_desc[i]);
		c->signal = c->signal_text;
	}
	/* route-pre-down: before the routes go (with the device), first */
	if (down && c->routes_added)
		conn_script_wait(c, SCRIPT_ROUTE_PRE_DOWN, c->o->route_pre_down);
	if (down) {
		struct client_script_call dns = conn_call(c, SCRIPT_DNS_DOWN,
							  c->o->dns_updown);

		client_dns_down(c->dns, c->scripts, &dns);
	}
	/* --down-pre: the script still sees the tun device and its routes */
	if (down && c->o->down_pre)
		conn_script_wait(c, SCRIPT_DOWN, c->o->down);
	if (c->dco) {
		if (c->up && kept && !last && !c->o->ifconfig_noexec)
			netcfg_addresses_del(c->o, dco_ifindex(c->dco));
		engine_events_close(&c->events, c->loop);
		engine_log_stats(c->dco, NULL);
		dco_close(c->dco);
	}
	if (kept && last)
		tun_close(c->kept_tun);
	if (!kept || last)
		netcfg_undo(c->undo);
	if (down && !c->o->down_pre)
		conn_script_wait(c, SCRIPT_DOWN, c->o->down);
	c->dco = NULL;
	c->tcp_fd = -1;
	c->sess_up = false;
}

enum conn_end conn_run(struct conn *c)
{
	if (conn_open(c))
		return c->end != END_NONE ? c->end : END_NEXT;
	conn_pull_arm(c, clock_now_ms());
	c->poll_deadline_ms = client_poll_deadline(c->o, clock_now_ms());
	c->session_deadline_ms = client_session_deadline(c->o, clock_now_ms());
	client_inactive_start(&c->inact, c->o, clock_now_ms());
	while (c->end == END_NONE) {
		uint64_t now = clock_now_ms();

		conn_tick(c, now);
		if (c->end != END_NONE)
			break;
		if (loop_wait(c->loop, conn_deadline(c)) < 0)
			conn_end(c, END_FATAL);
		conn_signal(c, loop_take_signal(c->loop));
	}
	if (c->end == END_EXIT)
		conn_exit_notify(c);
	return c->end;
}
