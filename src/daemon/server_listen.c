/* The server's listening sockets, one per --local line (server_listen.h). */
#include "daemon/server_listen.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "daemon/addrtext.h"
#include "daemon/clientcfg.h"
#include "daemon/linkopt.h"
#include "daemon/server_int.h"
#include "io/udp.h"

/*
 * The family to ask the resolver for: the proto's suffix if it has one;
 * with no address, dual-stack IPv6 (as a 2.6 server without --local);
 * else whatever the address is (2.7: a numeric local address decides).
 */
static int listen_family(const struct opt_endpoint *ep)
{
	if (ep->family == OPT_AF_INET)
		return AF_INET;
	if (ep->family == OPT_AF_INET6 || !ep->host)
		return AF_INET6;
	return AF_UNSPEC;
}

static int listen_resolve(struct srv_listener *l, const struct opt_endpoint *ep)
{
	struct addrinfo hints = {
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
		.ai_family = listen_family(ep),
		.ai_socktype = l->tr == DCO_TRANSPORT_UDP ? SOCK_DGRAM :
							    SOCK_STREAM,
	};
	struct addrinfo *res;
	int err = getaddrinfo(ep->host, ep->port, &hints, &res);

	if (err) {
		log_err("RESOLVE: Cannot resolve host address: %s:%s (%s)",
			ep->host ? ep->host : "[undef]", ep->port,
			gai_strerror(err));
		return -EINVAL;
	}
	memcpy(&l->addr, res->ai_addr, res->ai_addrlen);
	l->addr_len = res->ai_addrlen;
	l->family = res->ai_family;
	freeaddrinfo(res);
	return 0;
}

static int listen_plan_one(struct server *s, struct srv_listener *l,
			   const struct opt_endpoint *ep)
{
	bool tcp = ep->proto != OPT_PROTO_UDP;

	l->srv = s;
	l->fd = -1;
	l->tr = tcp ? DCO_TRANSPORT_TCP : DCO_TRANSPORT_UDP;
	if (listen_resolve(l, ep))
		return -EINVAL;
	clientcfg_occ_text(l->occ, sizeof(l->occ), s->o,
			   tcp ? OPT_PROTO_TCP_SERVER : OPT_PROTO_UDP,
			   l->family == AF_INET6);
	addrtext(&l->addr, NULL, 0, l->desc, sizeof(l->desc));
	snprintf(l->proto, sizeof(l->proto), "%sv%c", tcp ? "TCP" : "UDP",
		 l->family == AF_INET6 ? '6' : '4');
	return 0;
}

/* Two lines naming the same socket would fail at bind with a less
 * helpful EADDRINUSE: said here, with both. */
static int listen_check_dup(const struct srv_listeners *ls)
{
	for (unsigned i = 0; i < ls->n; i++)
		for (unsigned j = i + 1; j < ls->n; j++)
			if (ls->l[i].tr == ls->l[j].tr &&
			    !strcmp(ls->l[i].desc, ls->l[j].desc)) {
				log_err("Options error: --local: %s %s given "
					"twice", ls->l[i].proto, ls->l[i].desc);
				return -EINVAL;
			}
	return 0;
}

int server_listen_plan(struct server *s)
{
	struct srv_listeners *ls = &s->ls;
	struct opt_endpoint ep;

	memset(ls, 0, sizeof(*ls));
	for (size_t i = 0; options_local(s->o, i, &ep) == 0; i++) {
		struct srv_listener *l = &ls->l[ls->n];

		if (i >= OPT_MAX_LOCALS || listen_plan_one(s, l, &ep))
			return -EINVAL;
		ls->n++;
		ls->any_tcp |= l->tr == DCO_TRANSPORT_TCP;
		ls->any_v6 |= l->family == AF_INET6;
	}
	return listen_check_dup(ls);
}

static int listen_open_udp(struct server *s, struct srv_listener *l)
{
	struct sock_opts so = linkopt(s->o);
	int fd = udp_open_so((const struct sockaddr *)&l->addr, l->addr_len, &so);
	int ret;

	if (fd < 0)
		return fd;
	/* before the engine clones it per thread (mq.c copies the option) */
	ret = s->o->multihome ? udp_want_local(fd, l->family) : 0;
	if (ret)
		log_warn("%s %s: --multihome: cannot ask for destination "
			 "addresses: %s", l->proto, l->desc, strerror(-ret));
	ret = dco_attach_udp(s->dco, fd);
	if (ret) {
		close(fd);
		return ret;
	}
	l->fd = fd;	/* the engine's: dco_close closes it */
	log_info("%s link local (bound): %s", l->proto, l->desc);
	return 0;
}

static int listen_socket_tcp(struct server *s, struct srv_listener *l)
{
	int fd = socket(l->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sock_opts so = linkopt(s->o);
	int one = 1, off = 0, err;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* an IPv6 socket on :: also takes IPv4 clients, as UDP's */
	if (l->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	err = sockopt_apply(fd, l->family, &so);
	if (!err && (bind(fd, (const struct sockaddr *)&l->addr, l->addr_len) < 0 ||
		     listen(fd, SOMAXCONN) < 0))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int listen_open_tcp(struct server *s, struct srv_listener *l,
			   tcp_pending_first_cb first,
			   tcp_pending_foreign_cb foreign)
{
	int fd = listen_socket_tcp(s, l);

	if (fd < 0)
		return fd;
	l->fd = fd;
	tcp_pending_init(&l->wait, s->loop, &(struct tcp_pending_limits){
		.frame_max = DCO_CONTROL_MAX }, first, l);
	l->wait_up = true;
	if (foreign)
		tcp_pending_set_foreign(&l->wait, foreign);
	log_info("Listening for incoming TCP connection on %s", l->desc);
	return tcp_pending_listen(&l->wait, fd);
}

static int listen_open_one(struct server *s, struct srv_listener *l)
{
	struct srv_listeners *ls = &s->ls;
	int ret = l->tr == DCO_TRANSPORT_UDP ?
		  listen_open_udp(s, l) :
		  listen_open_tcp(s, l, ls->first,
				  s->o->port_share_host ? ls->foreign : NULL);

	if (ret)
		log_err("%s %s: cannot open the socket: %s", l->proto, l->desc,
			strerror(-ret));
	return ret;
}

int server_listen_open(struct server *s, tcp_pending_first_cb first,
		       tcp_pending_foreign_cb foreign)
{
	const struct options *o = s->o;
	int ret;

	s->ls.first = first;
	s->ls.foreign = foreign;
	if (o->port_share_host && s->ls.any_tcp &&
	    portshare_init(&s->ps, s->loop, o->port_share_host,
			   o->port_share_port, o->port_share_dir))
		return -EHOSTUNREACH;
	for (unsigned i = 0; i < s->ls.n; i++) {
		ret = listen_open_one(s, &s->ls.l[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* May @l open beside the others: not twice, and no header larger than
 * the engine's MSS clamp was made for (a restart makes a new clamp)? */
static bool listen_may_add(const struct srv_listeners *ls,
			   const struct srv_listener *l)
{
	for (unsigned i = 0; i < ls->n; i++)
		if (ls->l[i].tr == l->tr && !strcmp(ls->l[i].desc, l->desc)) {
			log_err("--local: %s %s given twice", l->proto, l->desc);
			return false;
		}
	if ((l->tr == DCO_TRANSPORT_TCP && !ls->any_tcp) ||
	    (l->family == AF_INET6 && !ls->any_v6)) {
		log_err("--local %s %s: a new kind of socket (TCP or IPv6) "
			"needs a restart (SIGUSR1)", l->proto, l->desc);
		return false;
	}
	return true;
}

unsigned server_listen_more(struct server *s)
{
	struct srv_listeners *ls = &s->ls;
	struct opt_endpoint ep;
	unsigned opened = 0;

	/* listener i is local line i: one that fails stays, closed */
	while (ls->n < OPT_MAX_LOCALS && options_local(s->o, ls->n, &ep) == 0) {
		struct srv_listener *l = &ls->l[ls->n];

		if (!listen_plan_one(s, l, &ep) && listen_may_add(ls, l) &&
		    !listen_open_one(s, l))
			opened++;
		ls->n++;
	}
	return opened;
}

struct srv_listener *server_listen_by_fd(struct server *s, int fd)
{
	for (unsigned i = 0; fd >= 0 && i < s->ls.n; i++)
		if (s->ls.l[i].fd == fd)
			return &s->ls.l[i];
	return NULL;
}

uint64_t server_listen_tick(struct server *s, uint64_t now)
{
	uint64_t next = LOOP_NO_DEADLINE;

	for (unsigned i = 0; i < s->ls.n; i++) {
		struct srv_listener *l = &s->ls.l[i];
		uint64_t d;

		if (!l->wait_up)
			continue;
		d = tcp_pending_tick(&l->wait, now);
		if (d < next)
			next = d;
	}
	return next;
}

void server_listen_close(struct server *s)
{
	for (unsigned i = 0; i < s->ls.n; i++) {
		struct srv_listener *l = &s->ls.l[i];

		if (l->wait_up)
			tcp_pending_free(&l->wait);
		l->wait_up = false;
		if (l->tr == DCO_TRANSPORT_TCP && l->fd >= 0)
			close(l->fd);
		l->fd = -1;
	}
	portshare_free(&s->ps);
}
