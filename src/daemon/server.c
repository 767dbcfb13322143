/* The multi-client server: clients, transports, engine events. */
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

#include "base/bytes.h"
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
#include "daemon/addrtext.h"
#include "daemon/linkopt.h"
#include "daemon/privdrop.h"
#include "daemon/sdnotify.h"
#include "daemon/server.h"
#include "daemon/server_int.h"
#include "daemon/status.h"
#include "daemon/server_v2age.h"
#include "ev/loop.h"
#include "io/tcp.h"
#include "io/udp.h"
#include "net/netlink.h"

#define SERVER_KILL_DELAY_MS 1000u   /* AUTH_FAILED / RESTART flush time */

/* ---- addresses ------------------------------------------------------------ */

static bool addr_eq(const struct sockaddr_storage *a, socklen_t alen,
		    const struct sockaddr_storage *b, socklen_t blen)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
	}
	return alen == blen && !memcmp(a, b, alen);
}

/* ---- clients ------------------------------------------------------------- */

struct srv_client *server_client(struct server *s, uint32_t peer_id)
{
	if (peer_id >= s->max_clients)
		return NULL;
	return s->clients[peer_id];
}

static void client_set_addr(struct srv_client *c,
			    const struct sockaddr_storage *a, socklen_t len)
{
	memcpy(&c->addr, a, len);
	c->addr_len = len;
	addrtext(&c->addr, c->real, sizeof(c->real), c->desc,
		      sizeof(c->desc));
	snprintf(c->prefix, sizeof(c->prefix), "%s/%s",
		 c->cn[0] ? c->cn : "", c->real);
}

static int client_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct srv_client *c = ctx;
	struct server *s = c->srv;
	uint8_t frame[2 + DCO_CONTROL_MAX];

	if (c->muted)
		return 0;
	if (c->peer_added)
		return dco_send_control(s->dco, c->peer_id, pkt, len);
	if (c->tr == DCO_TRANSPORT_UDP)
		return dco_send_control_to(s->dco, c->ln->fd,
					   (struct sockaddr *)&c->addr,
					   c->addr_len, pkt, len);
	if (c->tcp_fd < 0 || len > sizeof(frame) - 2)
		return -EMSGSIZE;
	store_be16(frame, (uint16_t)len);
	memcpy(frame + 2, pkt, len);
	return tcp_write_all(c->tcp_fd, frame, len + 2, 5000u);
}

/* Ends at the next reap; never freed from inside its own callbacks. */
void server_client_kill(struct srv_client *c, const char *why)
{
	if (c->dead)
		return;
	c->dead = true;
	log_info("%s %s", c->prefix, why);
}

void server_client_kill_later(struct srv_client *c, const char *msg)
{
	uint64_t now = clock_now_ms();

	if (msg)
		session_send_message(&c->sess, msg, now);
	if (!c->kill_at_ms)
		c->kill_at_ms = now + SERVER_KILL_DELAY_MS;
}

static void client_message(void *ctx, const char *msg)
{
	struct srv_client *c = ctx;

	if (c->dead || c->kill_at_ms)
		return;
	if (!strcmp(msg, "PUSH_REQUEST")) {
		server_push(c);
		return;
	}
	if (!strcmp(msg, "EXIT")) {
		mgmt_notify(c->srv->mgmt, ">NOTIFY:info,remote-exit,EXIT");
		server_client_kill(c, "SIGTERM[soft,remote-exit] received, "
				   "client-instance exiting");
		return;
	}
	log_debug("%s: control message '%.40s' ignored", c->prefix, msg);
}

static void client_active(void *ctx)
{
	struct srv_client *c = ctx;
	struct keystate *ks = c->sess.ks[0];

	if (ks && ks->tls)
		tls_session_peer_cn(ks->tls, c->cn, sizeof(c->cn));
	snprintf(c->prefix, sizeof(c->prefix), "%s/%s", c->cn, c->real);
	server_script_cert(c);
	/* as OpenVPN at "Peer Connection Initiated": once per client */
	if (!c->ipchange_done) {
		c->ipchange_done = true;
		server_plugin_ipchange(c);
	}
	server_push_if_requested(c);
}

static int client_v2_verify(void *ctx, const uint8_t *meta, size_t len)
{
	if (server_v2_age_check(ctx, meta, len))
		return -EACCES;
	return server_script_v2_verify(ctx, meta, len);
}

static int client_rekeyed(void *ctx)
{
	struct srv_client *c = ctx;

	/* the verdict comes from the loop (AUTH_FAILED then) */
	if (!c->dead && !c->kill_at_ms && c->pushed)
		server_reauth(c);
	return 0;
}

static unsigned server_reneg_sec(const struct server *s)
{
	const struct options *o = s->o;
	unsigned base = o->reneg_sec >= 0 ? (unsigned)o->reneg_sec : 3600u;
	uint32_t r = 0;

	/* 2.6 servers renegotiate at a random point between "reneg-sec MAX
	 * MIN", MIN 90 % of MAX by default, so many clients that connected
	 * together do not all renegotiate at once. (The option parser keeps
	 * the second value in reneg_sec_max.) */
	unsigned min = o->reneg_sec_max >= 0 ? (unsigned)o->reneg_sec_max :
					       base - base / 10u;

	if (!base || min >= base)
		return base;
	RAND_bytes((uint8_t *)&r, sizeof(r));
	r = min + r % (base - min + 1u);
	return r ? r : 1u; /* 0 would mean "never" */
}

static int client_session(struct server *s, struct srv_client *c,
			  const struct mudp_result *cookie,
			  const struct dco_event *ev)
{
	const struct options *o = s->o;
	struct session_config sc = {
		.server = true,
		.tls = s->cc.tls,
		.wrap = s->cc.has_wrap ? &s->cc.wrap : NULL,
		.wrap_sk = s->cc.has_wrap ? &s->cc.wrap_sk : NULL,
		.v2_server = s->cc.v2s,
		.hand_window_s = o->hand_window > 0 ? (unsigned)o->hand_window : 0,
		.tls_timeout_s = o->tls_timeout > 0 ? (unsigned)o->tls_timeout : 0,
		.reneg_sec = server_reneg_sec(s),
		.tran_window_s = o->tran_window > 0 ? (unsigned)o->tran_window : 0,
		.max_packet = (unsigned)o->max_packet_size,
		.options_string = c->ln->occ,
		.remote_desc = c->desc,
		.auth = o->auth,
	};
	struct session_ops ops = {
		.send = client_send,
		.message = client_message,
		.active = client_active,
		.rekeyed = client_rekeyed,
		.v2_verify = client_v2_verify,
	};
	uint64_t now = clock_now_ms();
	int ret;

	if (!cookie)
		return session_init(&c->sess, &sc, &ops, c, now);
	c->muted = true;
	ret = session_init_accepted(&c->sess, &sc, &ops, c, cookie->own_sid,
				    cookie->peer_sid, ev->data, ev->len, now);
	c->muted = false;
	return ret;
}

/* May one more happen now: at most @n per @secs (n 0: no limit)? */
static bool rate_allow(struct rate_window *w, int n, int secs, uint64_t now)
{
	if (n <= 0)
		return true;
	if (!w->start_ms || now - w->start_ms >= (uint64_t)secs * 1000u) {
		w->start_ms = now;
		w->count = 0;
	}
	if (w->count >= (unsigned)n)
		return false;
	w->count++;
	return true;
}

static int server_free_slot(const struct server *s)
{
	for (uint32_t i = 0; i < s->max_clients; i++)
		if (!s->clients[i])
			return (int)i;
	return -1;
}

/* A UDP client comes with @ev (its packet) and, past the cookie check,
 * @cookie; a TCP client with @tcp_fd. @ln: the socket it came to. */
static struct srv_client *client_new(struct server *s,
				     const struct srv_listener *ln,
				     const struct sockaddr_storage *a,
				     socklen_t alen, int tcp_fd,
				     const struct mudp_result *cookie,
				     const struct dco_event *ev)
{
	int slot = server_free_slot(s);
	struct srv_client *c;

	if (slot < 0) {
		log_warn("MULTI: new incoming connection would exceed "
			 "maximum number of clients (%u)", s->max_clients);
		return NULL;
	}
	if (!rate_allow(&s->new_clients, s->so->connect_freq_n,
			s->so->connect_freq_s, clock_now_ms())) {
		log_warn("MULTI: connection rate limit (connect-freq %d %d) "
			 "exceeded, connection refused", s->so->connect_freq_n,
			 s->so->connect_freq_s);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->srv = s;
	c->peer_id = (uint32_t)slot;
	c->client_id = s->next_client_id++;
	c->tr = ln->tr;
	c->ln = ln;
	c->tcp_fd = tcp_fd;
	c->pool_idx = -1;
	c->since = time(NULL);
	client_inactive_start(&c->inact, s->o, clock_now_ms());
	c->session_deadline_ms = client_session_deadline(s->o, clock_now_ms());
	client_set_addr(c, a, alen);
	if (client_session(s, c, cookie, ev)) {
		log_warn("%s: cannot start a session", c->desc);
		free(c);
		return NULL;
	}
	c->sess_up = true;
	server_plugin_client_new(c);
	s->clients[slot] = c;
	s->n_clients++;
	log_info("%s Peer Connection started (peer-id %u)", c->desc, c->peer_id);
	return c;
}

static void client_free(struct server *s, struct srv_client *c)
{
	if (c->pushed)
		server_client_disconnect(c);
	server_admit_free(c);
	server_mgmt_client_free(c);
	if (c->peer_added)
		dco_del_peer(s->dco, c->peer_id);
	if (c->pool_idx >= 0)
		pool_release(&s->pool, c->pool_idx);
	if (c->tcp_fd >= 0) {
		loop_del(s->loop, c->tcp_fd);
		close(c->tcp_fd);
	}
	if (c->sess_up)
		session_free(&c->sess);
	server_plugin_client_free(c);
	s->clients[c->peer_id] = NULL;
	s->n_clients--;
	free(c);
}

static void server_reap(struct server *s, uint64_t now)
{
	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];

		if (!c)
			continue;
		if (!c->dead && c->kill_at_ms && now >= c->kill_at_ms)
			server_client_kill(c, "client-instance exiting");
		if (c->dead)
			client_free(s, c);
	}
}

/* ---- TCP ------------------------------------------------------------------ */

/* One frame at a time, never past its end: the engine may take the socket
 * over at a frame boundary (at PUSH_REQUEST). */
static void client_tcp_readable(void *ctx, uint32_t events)
{
	struct srv_client *c = ctx;
	struct tcp_rx *rx = &c->rx;

	(void)events;
	while (c->tcp_fd >= 0 && !c->dead && !c->peer_added) {
		size_t need = rx->have < 2 ? 2 : 2u + load_be16(rx->buf);
		ssize_t n;

		if (rx->have >= 2 && need == 2) {
			server_client_kill(c, "TCP: bad packet length 0");
			return;
		}
		n = recv(c->tcp_fd, rx->buf + rx->have, need - rx->have, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			server_client_kill(c, "Connection reset, client-instance "
					   "exiting");
			return;
		}
		if (n < 0)
			return;
		rx->have += (size_t)n;
		if (rx->have >= 2 && rx->have == 2u + load_be16(rx->buf)) {
			if (session_recv(&c->sess, rx->buf + 2, rx->have - 2,
					 clock_now_ms()))
				server_client_kill(c, "TLS error, client-instance "
						   "exiting");
			rx->have = 0;
		}
	}
}

static void server_auth_drop(struct server *s,
			     const struct sockaddr_storage *addr,
			     const char *why);

/* A TCP connection's first frame (io/tcp_pending.c): an authentic client
 * reset makes a client (within max-clients and connect-freq, as a UDP
 * client past its cookie); anything else closes the connection. */
static int server_tcp_first(void *ctx, int fd,
			    const struct sockaddr_storage *a, socklen_t alen,
			    uint8_t *frame, size_t len)
{
	struct srv_listener *ln = ctx;
	struct server *s = ln->srv;
	struct srv_client *c;
	const char *why;

	if (!mudp_client_reset(&s->mudp, frame, len, &why)) {
		server_auth_drop(s, a, why ? why : "TCP: first packet is not "
				 "a client reset");
		return -1;
	}
	c = client_new(s, ln, a, alen, fd, NULL, NULL);
	if (!c)
		return -1;
	log_info("TCP connection established with %s", c->desc);
	if (loop_add(s->loop, fd, EPOLLIN, client_tcp_readable, c)) {
		c->tcp_fd = -1;
		server_client_kill(c, "cannot watch the connection");
		return -1;
	}
	if (session_recv(&c->sess, frame, len, clock_now_ms()))
		server_client_kill(c, "TLS error, client-instance exiting");
	return 0;
}

/* port-share: not OpenVPN, so to the other server (daemon/portshare.c). */
static int server_tcp_foreign(void *ctx, int fd,
			      const struct sockaddr_storage *a, socklen_t alen,
			      const uint8_t *head, size_t len)
{
	struct srv_listener *ln = ctx;

	return portshare_take(&ln->srv->ps, fd, a, alen, head, len) ? -1 : 0;
}

/* ---- engine events ------------------------------------------------------- */

/*
 * A UDP client by source address, for a control packet the engine could
 * not give a peer-id: one whose peer is not in the engine yet, or one
 * whose peer was added while this packet waited in the event queue (a
 * client's PUSH_REQUEST crossing the PUSH_REPLY sent unasked; dropped,
 * it held up the client's later messages until retransmitted).
 */
static struct srv_client *server_find_pending(struct server *s,
					      const struct dco_event *ev)
{
	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];

		if (c && !c->dead && c->tr == DCO_TRANSPORT_UDP &&
		    addr_eq(&c->addr, c->addr_len, &ev->addr, ev->addr_len))
			return c;
	}
	return NULL;
}

static bool server_other_session(struct server *s, struct srv_client *c,
				 const struct dco_event *ev);

#define SERVER_DROP_LOG_MS 10000u

/* Answer a client's reset statelessly, within connect-freq-initial. */
static void server_cookie_reply(struct server *s, const struct dco_event *ev,
				const struct mudp_result *r)
{
	if (!rate_allow(&s->cookie_rate, s->so->connect_init_n,
			s->so->connect_init_s, clock_now_ms()))
		return;
	dco_send_control_to(s->dco, ev->fd, (const struct sockaddr *)&ev->addr,
			    ev->addr_len, r->reply, r->reply_len);
	s->cookie_replies++;
}

/* A stranger's packet failed tls-auth/tls-crypt(-v2): counted, and logged
 * at most every SERVER_DROP_LOG_MS so that a flood cannot fill the log. */
static void server_auth_drop(struct server *s,
			     const struct sockaddr_storage *addr,
			     const char *why)
{
	uint64_t now = clock_now_ms();
	char real[INET6_ADDRSTRLEN + 8], desc[INET6_ADDRSTRLEN + 20];

	s->auth_drops++;
	if (s->auth_drop_log_ms && now - s->auth_drop_log_ms < SERVER_DROP_LOG_MS)
		return;
	s->auth_drop_log_ms = now;
	addrtext(addr, real, sizeof(real), desc, sizeof(desc));
	log_warn("TLS Error: %s from %s (%llu such packets dropped so far)",
		 why, desc, (unsigned long long)s->auth_drops);
}

/* The front door let a client in (MUDP_ACCEPT past the cookie, MUDP_NEW
 * a tls-crypt-v2 client without early negotiation): make it and give it
 * the packet. */
static void server_admit(struct server *s, const struct srv_listener *ln,
			 const struct dco_event *ev, const struct mudp_result *r)
{
	struct srv_client *c = client_new(s, ln, &ev->addr, ev->addr_len, -1,
					  r->verdict == MUDP_ACCEPT ? r : NULL, ev);

	if (c && session_recv(&c->sess, ev->data, ev->len, clock_now_ms()))
		server_client_kill(c, "TLS error, client-instance exiting");
}

static void server_control_unknown(struct server *s,
				   const struct srv_listener *ln,
				   const struct dco_event *ev)
{
	struct mudp_result *r = &s->mres;
	struct srv_client *c = server_find_pending(s, ev);

	if (c && server_other_session(s, c, ev))
		return;
	if (c) {
		if (session_recv(&c->sess, ev->data, ev->len, clock_now_ms()))
			server_client_kill(c, "TLS error, client-instance exiting");
		return;
	}
	mudp_handle(&s->mudp, ev->data, ev->len, (const struct sockaddr *)&ev->addr,
		    ev->addr_len, (uint32_t)time(NULL), r);
	if (r->why)
		server_auth_drop(s, &ev->addr, r->why);
	if (r->verdict == MUDP_REPLY) {
		server_cookie_reply(s, ev, r);
		return;
	}
	if (r->verdict == MUDP_ACCEPT || r->verdict == MUDP_NEW)
		server_admit(s, ln, ev, r);
}

/*
 * A control packet that the engine gave a peer-id (it knows the source
 * address) but that belongs to another session: the client restarted from
 * the same address and port. Answered as from a stranger; once its cookie
 * checks, the new session replaces the old client.
 */
static bool server_other_session(struct server *s, struct srv_client *c,
				 const struct dco_event *ev)
{
	struct mudp_result *r = &s->mres;
	/* the engine's peer stays on its socket: this came in there */
	const struct srv_listener *ln = c->ln;

	if (c->tr != DCO_TRANSPORT_UDP || !c->sess.have_peer_sid ||
	    ev->len <= CTLPKT_HEAD_LEN ||
	    !memcmp(ev->data + 1, c->sess.peer_sid, CTLPKT_SID_LEN))
		return false;
	mudp_handle(&s->mudp, ev->data, ev->len, (const struct sockaddr *)&ev->addr,
		    ev->addr_len, (uint32_t)time(NULL), r);
	if (r->verdict == MUDP_REPLY) {
		server_cookie_reply(s, ev, r);
	} else if (r->verdict == MUDP_ACCEPT || r->verdict == MUDP_NEW) {
		server_client_kill(c, "new session from the same address, "
				   "client-instance restarting");
		server_reap(s, clock_now_ms());
		server_admit(s, ln, ev, r);
	}
	return true;
}

static void server_event(struct server *s, const struct dco_event *ev)
{
	struct srv_client *c = ev->peer_id == DCO_PEER_ID_NONE ? NULL :
			       server_client(s, ev->peer_id);

	switch (ev->type) {
	case DCO_EV_CONTROL:
		if (ev->peer_id == DCO_PEER_ID_NONE) {
			const struct srv_listener *ln = server_listen_by_fd(s, ev->fd);

			if (ln && ln->tr == DCO_TRANSPORT_UDP)
				server_control_unknown(s, ln, ev);
			break;
		}
		if (c && !c->dead && server_other_session(s, c, ev))
			break;
		if (c && !c->dead &&
		    session_recv(&c->sess, ev->data, ev->len, clock_now_ms()))
			server_client_kill(c, "TLS error, client-instance exiting");
		break;
	case DCO_EV_PEER_DELETED:
		if (!c)
			break;
		c->peer_added = false;
		server_client_kill(c, ev->reason == DCO_DEL_EXPIRED ?
				   "Inactivity timeout (--ping-restart), "
				   "client-instance exiting" :
				   "Connection reset, client-instance exiting");
		break;
	case DCO_EV_PEER_FLOAT:
		if (!c || !ev->addr_len || ev->addr_len > sizeof(c->addr))
			break;
		log_info("%s Peer float: now %s", c->prefix, c->desc);
		client_set_addr(c, &ev->addr, ev->addr_len);
		log_info("%s: float accepted", c->prefix);
		break;
	case DCO_EV_KEY_NEAR_WRAP:
		if (c)
			session_renegotiate(&c->sess, clock_now_ms());
		break;
	default:
		break;
	}
}

static void server_engine_readable(void *ctx, uint32_t events)
{
	struct server *s = ctx;

	(void)events;
	while (dco_read_event(s->dco, s->ev) == 0)
		server_event(s, s->ev);
}

/* ---- timers ---------------------------------------------------------------- */

static uint64_t server_tick(struct server *s, uint64_t now)
{
	uint64_t next = now + 1000u, sd;
	unsigned hw = s->o->hand_window > 0 ? (unsigned)s->o->hand_window : 60u;
	uint64_t tcp_next;

	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];
		uint64_t d;

		if (!c || c->dead)
			continue;
		if (session_tick(&c->sess, now)) {
			server_client_kill(c, "TLS Error: session failed, "
					   "client-instance exiting");
			continue;
		}
		/* TLS done but never asked for its options: not a client
		 * (a manager's pending decision has its own deadline) */
		if (!c->pushed && c->mauth.state != AUTH_PENDING &&
		    time(NULL) - c->since > (time_t)hw) {
			server_client_kill(c, "no PUSH_REQUEST within hand-window, "
					   "client-instance exiting");
			continue;
		}
		if (server_idle_check(s, c, now, &next))
			continue;
		d = session_next_deadline(&c->sess);
		if (d < next)
			next = d;
		if (c->kill_at_ms && c->kill_at_ms < next)
			next = c->kill_at_ms;
	}
	server_plugin_tick(s, now, &next);
	/* TCP connections that never sent a first packet */
	tcp_next = server_listen_tick(s, now);
	if (tcp_next < next)
		next = tcp_next;
	server_mgmt_auth_tick(s, now, &next);
	server_reap(s, now);
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
	ret = loop_add(s->loop, dco_event_fd(s->dco), EPOLLIN,
		       server_engine_readable, s);
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
		log_info("SIGTERM[hard,] received, process exiting");
		s->stop = true;
	} else if (sig == SIGUSR2) {
		status_write_log(s);
		server_log_stats(s);
	} else if (sig == SIGHUP && server_reload(s)) {
		/* applied in place, clients kept (server_reload.h) */
	} else if (sig == SIGHUP || sig == SIGUSR1) {
		/* As OpenVPN's server: clients are told (RESTART, with
		 * explicit-exit-notify) and come back to the new instance,
		 * which reads the configuration again. */
		log_info("SIG%s[hard,] received, process restarting",
			 sig == SIGHUP ? "HUP" : "USR1");
		s->stop = true;
		s->restart = true;
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
		server_reap(s, clock_now_ms());
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
			client_free(s, s->clients[i]);
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
		loop_del(s->loop, dco_event_fd(s->dco));
		dco_close(s->dco);
	}
	server_script_down(s, sig, false);
	/* after the engine's threads, which may log (the log tee) */
	server_mgmt_close(s);
	status_close(s);
	server_pool_save(s);
	pool_free(&s->pool);
	mudp_free(&s->mudp);
	free(s->clients);
	free(s->ev);
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
	s->ev = malloc(sizeof(*s->ev));
	if (!s->clients || !s->ev || server_plan(s))
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
	free(s->ev);
	loop_free(&loop);
	free(s);
	return 1;
}
