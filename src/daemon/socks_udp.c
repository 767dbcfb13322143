/* --socks-proxy over UDP: the relay between the engine and the SOCKS5
 * proxy. See socks_udp.h. */
#include "daemon/socks_udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "base/log.h"

/* Datagrams moved per readiness event, each way: bounded work. */
#define SOCKS_UDP_BURST 64

static void close_fd(struct loop *l, int *fd)
{
	if (*fd < 0)
		return;
	loop_del(l, *fd);
	close(*fd);
	*fd = -1;
}

/* Engine -> relay: the header in front. */
static void from_engine(void *ctx, uint32_t events)
{
	struct socks_udp *s = ctx;
	uint8_t *body = s->buf + SOCKS_UDP_HEAD;

	(void)events;
	for (int i = 0; i < SOCKS_UDP_BURST; i++) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(s->shim_fd, body, sizeof(s->buf) -
				     SOCKS_UDP_HEAD, MSG_DONTWAIT,
				     (struct sockaddr *)&from, &flen);

		if (n < 0)
			return;
		/* the first sender is the engine; nobody else is heard */
		if (!s->engine_len) {
			memcpy(&s->engine, &from, flen);
			s->engine_len = flen;
		} else if (flen != s->engine_len || memcmp(&from, &s->engine, flen)) {
			s->dropped++;
			continue;
		}
		memcpy(s->buf, s->head, SOCKS_UDP_HEAD);
		if (send(s->relay_fd, s->buf, (size_t)n + SOCKS_UDP_HEAD,
			 MSG_DONTWAIT) < 0)
			s->dropped++;
	}
}

/* Relay -> engine: only unfragmented datagrams from the server (ATYP 1,
 * its address), as OpenVPN's socks_process_incoming_udp takes them. */
static void from_relay(void *ctx, uint32_t events)
{
	struct socks_udp *s = ctx;

	(void)events;
	for (int i = 0; i < SOCKS_UDP_BURST; i++) {
		ssize_t n = recv(s->relay_fd, s->buf, sizeof(s->buf), MSG_DONTWAIT);

		if (n < 0)
			return;
		if ((size_t)n <= SOCKS_UDP_HEAD || s->buf[2] != 0 ||
		    memcmp(s->buf + 3, s->head + 3, SOCKS_UDP_HEAD - 3) ||
		    !s->engine_len) {
			s->dropped++;
			continue;
		}
		if (sendto(s->shim_fd, s->buf + SOCKS_UDP_HEAD,
			   (size_t)n - SOCKS_UDP_HEAD, MSG_DONTWAIT,
			   (struct sockaddr *)&s->engine, s->engine_len) < 0)
			s->dropped++;
	}
}

/* The proxy closed the association (or sent what it never should). */
static void ctl_readable(void *ctx, uint32_t events)
{
	struct socks_udp *s = ctx;
	uint8_t b[64];
	ssize_t n = recv(s->ctl_fd, b, sizeof(b), MSG_DONTWAIT);

	(void)events;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	log_err("SOCKS proxy: the UDP association ended");
	close_fd(s->loop, &s->ctl_fd);
	if (s->lost)
		s->lost(s->ctx);
}

static int udp_on(const struct sockaddr_in *addr, bool do_connect)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (do_connect ? connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) :
			 bind(fd, (const struct sockaddr *)addr, sizeof(*addr))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int open_fds(struct socks_udp *s, const struct sockaddr_in *relay,
		    struct sockaddr_storage *shim, socklen_t *shim_len)
{
	struct sockaddr_in lo = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	s->relay_fd = udp_on(relay, true);
	if (s->relay_fd < 0)
		return s->relay_fd;
	s->shim_fd = udp_on(&lo, false);
	if (s->shim_fd < 0)
		return s->shim_fd;
	*shim_len = sizeof(*shim);
	if (getsockname(s->shim_fd, (struct sockaddr *)shim, shim_len))
		return -errno;
	if (loop_add(s->loop, s->relay_fd, EPOLLIN, from_relay, s) ||
	    loop_add(s->loop, s->shim_fd, EPOLLIN, from_engine, s) ||
	    loop_add(s->loop, s->ctl_fd, EPOLLIN, ctl_readable, s))
		return -ENOMEM;
	return 0;
}

static void log_relay(const struct sockaddr_in *relay)
{
	char a[INET_ADDRSTRLEN] = "?";

	inet_ntop(AF_INET, &relay->sin_addr, a, sizeof(a));
	log_info("SOCKS proxy: UDP relay at %s:%u", a, ntohs(relay->sin_port));
}

int socks_udp_open(struct socks_udp *s, struct loop *loop,
		   const struct options *o, const struct proxy_target *t,
		   const struct sockaddr_in *server,
		   struct sockaddr_storage *shim, socklen_t *shim_len)
{
	struct sockaddr_in relay = { 0 };
	int ret;

	s->loop = loop;
	s->relay_fd = s->shim_fd = -1;
	s->ctl_fd = proxy_udp_associate(o, t, &relay);
	if (s->ctl_fd < 0)
		return s->ctl_fd;
	/* as 2.6's socks_process_outgoing_udp: RSV 0, FRAG 0, ATYP 1 */
	memset(s->head, 0, 3);
	s->head[3] = 1;
	memcpy(s->head + 4, &server->sin_addr, 4);
	memcpy(s->head + 8, &server->sin_port, 2);
	ret = open_fds(s, &relay, shim, shim_len);
	if (ret) {
		log_err("SOCKS proxy: cannot relay UDP: %s", strerror(-ret));
		socks_udp_close(s);
		return ret;
	}
	log_relay(&relay);
	return 0;
}

void socks_udp_close(struct socks_udp *s)
{
	if (s->dropped)
		log_info("SOCKS proxy: %llu datagrams dropped",
			 (unsigned long long)s->dropped);
	close_fd(s->loop, &s->relay_fd);
	close_fd(s->loop, &s->shim_fd);
	close_fd(s->loop, &s->ctl_fd);
}
