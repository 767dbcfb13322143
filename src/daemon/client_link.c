/* The client's transport (UDP, TCP, through a proxy) and the engine's
 * events for its one peer. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/log.h"
#include "daemon/addrtext.h"
#include "daemon/client_conn.h"
#include "daemon/client_persist.h"
#include "daemon/linkopt.h"
#include "daemon/proxy.h"
#include "daemon/randhost.h"
#include "io/udp.h"

/* ---- transport ------------------------------------------------------------ */

int conn_send(void *ctx, const uint8_t *pkt, size_t len)
{
	struct conn *c = ctx;
	uint8_t frame[2 + DCO_CONTROL_MAX + TLSCRYPTV2_WKC_MAX];

	if (c->peer_added)
		return dco_send_control(c->dco, c->peer_id, pkt, len);
	if (c->tr == DCO_TRANSPORT_UDP)
		return dco_send_control_to(c->dco, c->udp_fd,
					   (struct sockaddr *)&c->remote,
					   c->remote_len, NULL, pkt, len);
	if (len > sizeof(frame) - 2)
		return -EMSGSIZE;
	store_be16(frame, (uint16_t)len);
	memcpy(frame + 2, pkt, len);
	return tcp_write_all(c->tcp_fd, frame, len + 2, 5000u);
}

/* Read what is there, one frame at a time, never past a frame's end. */
static void conn_tcp_readable(void *ctx, uint32_t events)
{
	struct conn *c = ctx;
	struct tcp_rx *rx = &c->tcprx;

	(void)events;
	while (c->tcp_fd >= 0 && c->end == END_NONE) {
		int r = tcp_rx_read(rx, c->tcp_fd);

		if (r == -EPROTO) {
			log_err("TCP: bad packet length 0, restarting");
			conn_end(c, END_RESTART);
		} else if (r < 0) {
			log_err("Connection reset, restarting [%d]",
				r == -EPIPE ? 0 : -r);
			conn_end(c, END_RESTART);
		} else if (r == 0) {
			return;
		} else if (session_recv(&c->sess, tcp_rx_packet(rx),
					tcp_rx_len(rx), clock_now_ms())) {
			conn_end(c, END_RESTART);
		}
	}
}

void conn_clash_warn(const struct conn *c, bool pulled)
{
	if (c->o->pull != pulled)
		return;
	options_ifconfig_clash_warn(c->o, c->local_len ?
				    (const struct sockaddr *)&c->local : NULL,
				    c->remote_open || !c->remote_len ? NULL :
				    (const struct sockaddr *)&c->remote);
}

int conn_resolve(struct conn *c)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICSERV }, *res;
	/* through a proxy, the proxy is where we connect; it resolves the
	 * server's name itself */
	const struct opt_proxy *px = proxy_of(c->o);
	const char *host = px ? px->host : c->ep.host;
	const char *port = px ? px->port : c->ep.port;
	char rnd[320];
	int err;

	if (client_persist_remote(c->persist, c))
		return 0;
	if (!px)	/* --remote-random-hostname */
		host = randhost_apply(c->o, host, rnd, sizeof(rnd));

	hints.ai_family = c->ep.family == OPT_AF_INET ? AF_INET :
			  c->ep.family == OPT_AF_INET6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = c->tr == DCO_TRANSPORT_UDP ? SOCK_DGRAM : SOCK_STREAM;
	err = getaddrinfo(host, port, &hints, &res);
	if (err) {
		log_err("RESOLVE: Cannot resolve host address: %s:%s (%s)",
			host, port, gai_strerror(err));
		return -EHOSTUNREACH;
	}
	memcpy(&c->remote, res->ai_addr, res->ai_addrlen);
	c->remote_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

void conn_describe(struct conn *c)
{
	addrtext(&c->remote, NULL, 0, c->remote_desc, sizeof(c->remote_desc));
}

int conn_open_udp(struct conn *c)
{
	struct sockaddr_storage local;
	socklen_t len;
	struct sock_opts so;
	int fd, ret;

	/* a P2P server waiting for any peer: --local may pick the family */
	bool any = c->remote_open && c->o->proto.family == OPT_AF_ANY;

	if (c->o->socks_proxy.host && !c->o->http_proxy.host) {
		ret = conn_socks_udp(c);
		if (ret)
			return ret;
	}
	ret = client_persist_local(c, any ? AF_UNSPEC : c->remote.ss_family,
				   false, &local, &len);
	if (ret < 0)
		return ret;
	conn_clash_warn(c, false);
	if (c->remote_open)	/* the peer comes in the family we listen on */
		c->remote.ss_family = local.ss_family;
	so = linkopt(c->o);
	fd = udp_open_so((struct sockaddr *)&local, len, &so);
	if (fd < 0) {
		log_err("cannot open UDP socket: %s", strerror(-fd));
		return fd;
	}
	ret = dco_attach_udp(c->dco, fd);
	if (ret) {
		close(fd);
		log_err("cannot attach UDP socket: %s", strerror(-ret));
		return ret;
	}
	c->udp_fd = fd;
	log_info("UDP link remote: %s", c->remote_desc);
	return 0;
}

static int conn_proxy_connect(struct conn *c, const struct sock_opts *so)
{
	struct proxy_target t = {
		.host = c->ep.host, .port = c->ep.port,
		.proxy = (struct sockaddr *)&c->remote,
		.proxy_len = c->remote_len, .so = so, .asker = c->cc->asker,
		.timeout_ms = CLIENT_TCP_CONNECT_MS,
	};

	return proxy_connect(c->o, &t);
}

int conn_open_tcp(struct conn *c)
{
	struct sockaddr_storage local;
	struct sock_opts so;
	socklen_t len;
	int fd, ret;

	log_info("Attempting to establish TCP connection with %s", c->remote_desc);
	ret = client_persist_local(c, c->remote.ss_family, true, &local, &len);
	if (ret < 0)
		return ret;
	conn_clash_warn(c, false);
	so = linkopt(c->o);
	if (proxy_of(c->o))
		fd = conn_proxy_connect(c, &so);
	else
		fd = tcp_connect_so(ret ? (struct sockaddr *)&local : NULL, len,
				    (struct sockaddr *)&c->remote,
				    c->remote_len, CLIENT_TCP_CONNECT_MS, &so);
	if (fd < 0) {
		log_err("TCP: connect to %s failed: %s", c->remote_desc,
			strerror(-fd));
		return fd;
	}
	c->tcp_fd = fd;
	log_info("TCP connection established with %s", c->remote_desc);
	return loop_add(c->loop, fd, EPOLLIN, conn_tcp_readable, c);
}

/* ---- engine events ------------------------------------------------------- */

/*
 * A P2P server without --remote answers whoever sends a valid reset: the
 * source becomes the remote for the reply (@before) and stays so once the
 * session took the packet.
 */
static void conn_learn_remote(struct conn *c, const struct dco_event *ev,
			      bool before)
{
	if (!c->remote_open || c->tr != DCO_TRANSPORT_UDP)
		return;
	if (before) {
		memcpy(&c->remote, &ev->addr, ev->addr_len);
		c->remote_len = ev->addr_len;
		return;
	}
	if (!c->sess.have_peer_sid) {
		c->remote_len = 0;
		return;
	}
	c->remote_open = false;
	conn_describe(c);
	log_info("Peer Connection from %s", c->remote_desc);
}

/*
 * --single-session: once the session has its peer, a reset opening another
 * (a restarted peer: a new session id, from wherever) is refused with
 * OpenVPN 2.6's message; after a restart (ping-restart, SIGUSR1) one new
 * session is taken. Without the option it is dropped as well, silently:
 * the session's id does not match (OpenVPN would let it take over once it
 * authenticates; not done here).
 */
static bool conn_single_session_refuses(const struct conn *c,
					const struct dco_event *ev)
{
	char from[128];
	enum opcode op;

	if (!c->o->single_session || !c->sess.have_peer_sid ||
	    ev->len < CTLPKT_HEAD_LEN)
		return false;
	op = opcode_of(ev->data[0]);
	if (c->o->tls_server ? op != P_CONTROL_HARD_RESET_CLIENT_V2 &&
			       op != P_CONTROL_HARD_RESET_CLIENT_V3 :
			       op != P_CONTROL_HARD_RESET_SERVER_V2)
		return false;
	if (!memcmp(ev->data + 1, c->sess.peer_sid, CTLPKT_SID_LEN))
		return false;	/* the first one's, again */
	addrtext(&ev->addr, NULL, 0, from, sizeof(from));
	log_warn("TLS Error: Cannot accept new session request from %s due to "
		 "session context expire or --single-session", from);
	return true;
}

static bool conn_from_remote(const struct conn *c, const struct dco_event *ev)
{
	if (c->tr != DCO_TRANSPORT_UDP || c->remote_open)
		return true;
	return ev->addr_len == c->remote_len &&
	       !memcmp(&ev->addr, &c->remote, c->remote_len);
}

bool conn_engine_event(void *ctx, const struct dco_event *ev)
{
	struct conn *c = ctx;

	if (c->end != END_NONE)	/* ending: the engine goes with the rest */
		return false;
	switch (ev->type) {
	case DCO_EV_CONTROL:
		if (conn_single_session_refuses(c, ev) || !conn_from_remote(c, ev))
			break;
		conn_learn_remote(c, ev, true);
		if (session_recv(&c->sess, ev->data, ev->len, clock_now_ms()))
			conn_end(c, conn_tls_failed(c));
		conn_learn_remote(c, ev, false);
		break;
	case DCO_EV_PEER_DELETED:
		c->peer_added = false;
		if (ev->reason == DCO_DEL_EXPIRED && c->o->ping_exit > 0 &&
		    c->o->ping_restart <= 0) {
			log_info("[server] Inactivity timeout (--ping-exit), exiting");
			c->end_desc = "ping-exit";
			conn_end(c, END_EXIT);
			break;
		}
		if (ev->reason == DCO_DEL_EXPIRED) {
			log_info("[server] Inactivity timeout (--ping-restart), restarting");
			c->end_desc = "ping-restart";
		} else {
			log_info("Connection reset, restarting");
		}
		conn_end(c, END_RESTART);
		break;
	case DCO_EV_PEER_FLOAT:
		/* Data authenticated from a new address: control follows. */
		if (ev->addr_len && ev->addr_len <= sizeof(c->remote)) {
			memcpy(&c->remote, &ev->addr, ev->addr_len);
			c->remote_len = ev->addr_len;
			conn_describe(c);
			if (c->remote_open) {	/* static key, no --remote */
				c->remote_open = false;
				log_info("Peer Connection from %s", c->remote_desc);
				if (c->o->ping_timer_rem)
					conn_keepalive(c);
			} else {
				log_info("Peer float: now %s", c->remote_desc);
			}
		}
		break;
	case DCO_EV_KEY_NEAR_WRAP:
		if (c->sess_up)	/* static key: its ids never run out */
			engine_events_near_wrap(&c->sess, "", ev);
		break;
	default:
		break;
	}
	return c->end == END_NONE;
}
