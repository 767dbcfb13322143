/* The server's events (server_int.h): TCP connections' first frames, and
 * the engine's: control packets of known and unknown peers (the stateless
 * cookie exchange), peer deaths and floats, keys near their wrap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/log.h"
#include "conf/opt_server.h"
#include "ctl/mudp.h"
#include "daemon/addrtext.h"
#include "daemon/server_int.h"
#include "ev/loop.h"
#include "io/tcp.h"

/* A control packet for @c: its session takes it (the client is visited
 * at the next tick: the packet may have set or moved its timers). */
static void client_recv(struct srv_client *c, const uint8_t *pkt, size_t len)
{
	if (session_recv(&c->sess, pkt, len, clock_now_ms()))
		server_client_kill(c, "TLS error, client-instance exiting");
	else
		server_client_wake(c);
}

/* ---- TCP ------------------------------------------------------------------ */

/* One frame at a time, never past its end: the engine may take the socket
 * over at a frame boundary (at PUSH_REQUEST). */
static void client_tcp_readable(void *ctx, uint32_t events)
{
	struct srv_client *c = ctx;
	struct tcp_rx *rx = c->rx;

	(void)events;
	while (rx && c->tcp_fd >= 0 && !c->dead && !c->peer_added) {
		int r = tcp_rx_read(rx, c->tcp_fd);

		if (r == -EPROTO) {
			server_client_kill(c, "TCP: bad packet length 0");
			return;
		}
		if (r < 0) {
			server_client_kill(c, "Connection reset, client-instance "
					   "exiting");
			return;
		}
		if (r == 0)
			return;
		client_recv(c, tcp_rx_packet(rx), tcp_rx_len(rx));
	}
	/* the engine took the stream (at a frame boundary: nothing in it) */
	if (c->peer_added) {
		free(c->rx);
		c->rx = NULL;
	}
}

static void server_auth_drop(struct server *s,
			     const struct sockaddr_storage *addr,
			     const char *why);

/* A TCP connection's first frame (io/tcp_pending.c): an authentic client
 * reset makes a client (within max-clients and connect-freq, as a UDP
 * client past its cookie); anything else closes the connection. */
int server_tcp_first(void *ctx, int fd,
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
	c = server_client_new(s, ln, a, alen, fd, NULL, NULL);
	if (!c)
		return -1;
	log_info("TCP connection established with %s", c->desc);
	c->rx = calloc(1, sizeof(*c->rx));
	if (!c->rx || loop_add(s->loop, fd, EPOLLIN, client_tcp_readable, c)) {
		c->tcp_fd = -1;
		server_client_kill(c, "cannot watch the connection");
		return -1;
	}
	client_recv(c, frame, len);
	return 0;
}

/* port-share: not OpenVPN, so to the other server (daemon/portshare.c). */
int server_tcp_foreign(void *ctx, int fd,
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
	return server_index_addr(&s->idx, &ev->addr, ev->addr_len);
}

static bool server_other_session(struct server *s, struct srv_client *c,
				 const struct dco_event *ev);

#define SERVER_DROP_LOG_MS 10000u

/* Answer a client's reset statelessly, within connect-freq-initial. */
static void server_cookie_reply(struct server *s, const struct dco_event *ev,
				const struct mudp_result *r)
{
	if (!server_rate_allow(&s->cookie_rate, s->so->connect_init_n,
			       s->so->connect_init_s, clock_now_ms()))
		return;
	/* from the address the client sent to (--multihome) */
	dco_send_control_to(s->dco, ev->fd, (const struct sockaddr *)&ev->addr,
			    ev->addr_len, &ev->local, r->reply, r->reply_len);
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
	struct srv_client *c;

	c = server_client_new(s, ln, &ev->addr, ev->addr_len, -1,
			      r->verdict == MUDP_ACCEPT ? r : NULL, ev);
	if (c)
		client_recv(c, ev->data, ev->len);
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
		/* its replies leave from where it sends now */
		c->local = ev->local;
		client_recv(c, ev->data, ev->len);
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
		server_reap(s);
		server_admit(s, ln, ev, r);
	}
	return true;
}

bool server_engine_event(void *ctx, const struct dco_event *ev)
{
	struct server *s = ctx;
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
		if (c && !c->dead)
			client_recv(c, ev->data, ev->len);
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
		server_client_wake(c);
		log_info("%s Peer float: now %s", c->prefix, c->desc);
		server_client_set_addr(c, &ev->addr, ev->addr_len);
		c->local = ev->local;
		log_info("%s: float accepted", c->prefix);
		break;
	case DCO_EV_KEY_NEAR_WRAP:
		if (c) {
			engine_events_near_wrap(&c->sess, c->prefix, ev);
			server_client_wake(c);
		}
		break;
	default:
		break;
	}
	return true;
}
