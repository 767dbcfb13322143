/* The server's client table (server_int.h): a client's session and its
 * callbacks, admission limits, creation, killing and freeing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/log.h"
#include "conf/opt_server.h"
#include "ctl/mudp.h"
#include "daemon/addrtext.h"
#include "daemon/mgmt.h"
#include "daemon/server_int.h"
#include "daemon/server_v2age.h"
#include "ev/loop.h"
#include "io/tcp.h"

#define SERVER_KILL_DELAY_MS 1000u   /* AUTH_FAILED / RESTART flush time */

/* ---- clients ------------------------------------------------------------- */

struct srv_client *server_client(struct server *s, uint32_t peer_id)
{
	if (peer_id >= s->max_clients)
		return NULL;
	return s->clients[peer_id];
}

void server_client_set_addr(struct srv_client *c,
			    const struct sockaddr_storage *a, socklen_t len)
{
	bool indexed = c->indexed;

	server_index_unlink(&c->srv->idx, c);	/* filed under the old one */
	memcpy(&c->addr, a, len);
	c->addr_len = len;
	addrtext(&c->addr, c->real, sizeof(c->real), c->desc,
		      sizeof(c->desc));
	server_client_name(c, NULL);
	if (indexed)
		server_index_link(&c->srv->idx, c);
}

int server_client_name(struct srv_client *c, const char *cn)
{
	char *ncn = strdup(cn ? cn : c->cn ? c->cn : "");
	char *np = NULL;

	bool indexed = c->indexed;

	if (!ncn || asprintf(&np, "%s/%s", ncn, c->real) < 0) {
		free(ncn);
		return -ENOMEM;
	}
	server_index_unlink(&c->srv->idx, c);	/* filed under the old name */
	free(c->cn);
	free(c->prefix);
	c->cn = ncn;
	c->prefix = np;
	if (indexed)
		server_index_link(&c->srv->idx, c);
	return 0;
}

static void client_free_names(struct srv_client *c)
{
	free(c->cn);
	free(c->prefix);
	c->cn = c->prefix = NULL;
}

static int client_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct srv_client *c = ctx;
	struct server *s = c->srv;
	uint8_t frame[2 + DCO_CONTROL_MAX];

	if (c->muted)
		return 0;
	/* a send may start a retransmission timer */
	server_client_wake(c);
	if (c->peer_added)
		return dco_send_control(s->dco, c->peer_id, pkt, len);
	if (c->tr == DCO_TRANSPORT_UDP)
		return dco_send_control_to(s->dco, c->ln->fd,
					   (struct sockaddr *)&c->addr,
					   c->addr_len, &c->local, pkt, len);
	if (c->tcp_fd < 0 || len > sizeof(frame) - 2)
		return -EMSGSIZE;
	store_be16(frame, (uint16_t)len);
	memcpy(frame + 2, pkt, len);
	return tcp_write_all(c->tcp_fd, frame, len + 2, 5000u);
}

/* Ends at the next reap; never freed from inside its own callbacks. */
void server_client_kill(struct srv_client *c, const char *why)
{
	struct server *s = c->srv;

	if (c->dead)
		return;
	c->dead = true;
	if (c->pushed)
		s->n_pushed--;
	dueheap_del(&s->due, &c->due);
	c->dead_next = s->dead;
	s->dead = c;
	log_info("%s %s", c->prefix, why);
}

void server_client_set_pushed(struct srv_client *c, bool pushed)
{
	if (c->pushed != pushed && !c->dead)
		c->srv->n_pushed += pushed ? 1u : (uint32_t)-1;
	c->pushed = pushed;
}

void server_client_kill_later(struct srv_client *c, const char *msg)
{
	uint64_t now = clock_now_ms();

	if (msg)
		session_send_message(&c->sess, msg, now);
	if (!c->kill_at_ms)
		c->kill_at_ms = now + SERVER_KILL_DELAY_MS;
	server_client_wake(c);
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

	if (ks && ks->tls) {
		char cn[SERVER_CN_MAX];

		tls_session_peer_cn(ks->tls, cn, sizeof(cn));
		server_client_name(c, cn);
	}
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
bool server_rate_allow(struct rate_window *w, int n, int secs, uint64_t now)
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

/* A UDP client comes with @ev (its packet) and, past the cookie check,
 * @cookie; a TCP client with @tcp_fd. @ln: the socket it came to. */
struct srv_client *server_client_new(struct server *s,
				     const struct srv_listener *ln,
				     const struct sockaddr_storage *a,
				     socklen_t alen, int tcp_fd,
				     const struct mudp_result *cookie,
				     const struct dco_event *ev)
{
	struct srv_client *c;
	int64_t slot;

	if (!idq_count(&s->free_slots)) {
		log_warn("MULTI: new incoming connection would exceed "
			 "maximum number of clients (%u)", s->max_clients);
		return NULL;
	}
	if (!server_rate_allow(&s->new_clients, s->so->connect_freq_n,
			       s->so->connect_freq_s, clock_now_ms())) {
		log_warn("MULTI: connection rate limit (connect-freq %d %d) "
			 "exceeded, connection refused", s->so->connect_freq_n,
			 s->so->connect_freq_s);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	slot = idq_take(&s->free_slots);	/* given back on failure below */
	c->srv = s;
	due_node_init(&c->due);
	c->peer_id = (uint32_t)slot;
	c->client_id = s->next_client_id++;
	c->tr = ln->tr;
	c->ln = ln;
	c->tcp_fd = tcp_fd;
	c->pool_idx = -1;
	c->since = time(NULL);
	client_inactive_start(&c->inact, s->o, clock_now_ms());
	c->session_deadline_ms = client_session_deadline(s->o, clock_now_ms());
	server_client_set_addr(c, a, alen);
	if (ev)
		c->local = ev->local;
	if (!c->cn || client_session(s, c, cookie, ev)) {
		log_warn("%s: cannot start a session", c->desc);
		dueheap_del(&s->due, &c->due);
		idq_put(&s->free_slots, (uint32_t)slot);
		client_free_names(c);
		free(c);
		return NULL;
	}
	c->sess_up = true;
	if (server_plugin_client_new(c)) {
		log_warn("%s: out of memory for plugin contexts", c->desc);
		session_free(&c->sess);
		dueheap_del(&s->due, &c->due);
		idq_put(&s->free_slots, (uint32_t)slot);
		client_free_names(c);
		free(c);
		return NULL;
	}
	s->clients[slot] = c;
	s->n_clients++;
	server_index_link(&s->idx, c);
	dueheap_set(&s->due, &c->due, 0);	/* its first visit */
	log_info("%s Peer Connection started (peer-id %u)", c->desc, c->peer_id);
	return c;
}

void server_client_free(struct server *s, struct srv_client *c)
{
	if (c->pushed)
		server_client_disconnect(c);
	server_mgmt_client_free(c);	/* its env has the certificate's */
	server_admit_free(c);
	if (c->peer_added)
		dco_del_peer(s->dco, c->peer_id);
	if (c->pool_idx >= 0)
		pool_release(&s->pool, c->pool_idx);
	if (c->tcp_fd >= 0) {
		loop_del(s->loop, c->tcp_fd);
		close(c->tcp_fd);
	}
	free(c->rx);
	if (c->sess_up)
		session_free(&c->sess);
	server_plugin_client_free(c);
	server_learn_free(c);
	dueheap_del(&s->due, &c->due);
	server_index_unlink(&s->idx, c);
	s->clients[c->peer_id] = NULL;
	idq_put(&s->free_slots, c->peer_id);
	s->n_clients--;
	client_free_names(c);
	free(c);
	mem_trim_note(&s->trim);
}

void server_reap(struct server *s)
{
	while (s->dead) {
		struct srv_client *c = s->dead;

		s->dead = c->dead_next;
		server_client_free(s, c);
	}
}
