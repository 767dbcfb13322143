#include "io/tcp.h"
#include "io/sockopt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/log.h"

#define TCP_LEN_SIZE 2u
/* Room for one whole frame behind a partial one, so every read makes
 * progress without moving data more than once per read. */
#define TCP_RX_CAP (2u * (TCP_LEN_SIZE + TCP_FRAME_MAX))
/* Bytes queued behind a slow socket before packets are dropped; TCP's own
 * buffers are in front of this, so it only absorbs bursts. */
#define TCP_TX_MAX (1024u * 1024u)

/* ---- connection setup -------------------------------------------------- */

static int tcp_remaining_ms(uint64_t deadline)
{
	uint64_t now = clock_now_ms();

	return now >= deadline ? 0 : (int)(deadline - now);
}

/* Wait for @events on @fd until @deadline; 0 when ready, -ETIMEDOUT. */
static int tcp_wait(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		int r = poll(&pfd, 1, tcp_remaining_ms(deadline));

		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int tcp_socket(int family)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

static void tcp_set_nodelay(int fd)
{
	int on = 1;

	/* Every frame is a whole packet: Nagle would only add latency. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

int tcp_connect(const struct sockaddr *local, socklen_t local_len,
		const struct sockaddr *remote, socklen_t remote_len,
		unsigned timeout_ms)
{
	return tcp_connect_so(local, local_len, remote, remote_len, timeout_ms,
			      NULL);
}

int tcp_connect_so(const struct sockaddr *local, socklen_t local_len,
		   const struct sockaddr *remote, socklen_t remote_len,
		   unsigned timeout_ms, const struct sock_opts *so)
{
	uint64_t deadline = clock_now_ms() + timeout_ms;
	int fd, err, on = 1;
	socklen_t elen = sizeof(err);

	if (!remote)
		return -EINVAL;
	fd = tcp_socket(remote->sa_family);
	if (fd < 0)
		return fd;
	err = sockopt_apply(fd, remote->sa_family, so);
	if (err)
		goto err_close;
	if (local) {
		/* A fixed local port must be reusable at once after a restart. */
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, local, local_len) < 0)
			goto err_errno;
	}
	if (connect(fd, remote, remote_len) < 0) {
		if (errno != EINPROGRESS)
			goto err_errno;
		err = tcp_wait(fd, POLLOUT, deadline);
		if (err)
			goto err_close;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			goto err_errno;
		if (err) {
			err = -err;
			goto err_close;
		}
	}
	tcp_set_nodelay(fd);
	return fd;

err_errno:
	err = -errno;
err_close:
	close(fd);
	return err;
}

/* The IPv4 address in @sa, unwrapping v4-mapped IPv6; false if none. */
static bool tcp_addr_v4(const struct sockaddr *sa, struct in_addr *out)
{
	if (sa->sa_family == AF_INET) {
		*out = ((const struct sockaddr_in *)sa)->sin_addr;
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			memcpy(&out->s_addr, &a->s6_addr[12], 4);
			return true;
		}
	}
	return false;
}

static uint16_t tcp_addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
}

static bool tcp_addr_any(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == INADDR_ANY;
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

/*
 * Does the connecting @peer match the expected @remote? Same IP (v4-mapped
 * counts as IPv4), same port unless @remote's port is 0. A NULL or
 * unspecified (0.0.0.0, ::) @remote accepts anyone.
 */
static bool tcp_peer_matches(const struct sockaddr *remote,
			     const struct sockaddr *peer)
{
	struct in_addr r4, p4;
	uint16_t rport;

	if (!remote || tcp_addr_any(remote))
		return true;
	rport = tcp_addr_port(remote);
	if (rport && rport != tcp_addr_port(peer))
		return false;
	if (tcp_addr_v4(remote, &r4) || tcp_addr_v4(peer, &p4))
		return tcp_addr_v4(remote, &r4) && tcp_addr_v4(peer, &p4) &&
		       r4.s_addr == p4.s_addr;
	return remote->sa_family == AF_INET6 && peer->sa_family == AF_INET6 &&
	       !memcmp(&((const struct sockaddr_in6 *)remote)->sin6_addr,
		       &((const struct sockaddr_in6 *)peer)->sin6_addr,
		       sizeof(struct in6_addr));
}

static void tcp_log_refused(const struct sockaddr *peer)
{
	char host[INET6_ADDRSTRLEN] = "?";
	const void *a = peer->sa_family == AF_INET ?
			(const void *)&((const struct sockaddr_in *)peer)->sin_addr :
			(const void *)&((const struct sockaddr_in6 *)peer)->sin6_addr;

	inet_ntop(peer->sa_family, a, host, sizeof(host));
	log_warn("tcp: refusing connection from unexpected %s port %u", host,
		 tcp_addr_port(peer));
}

static int tcp_listen(const struct sockaddr *local, socklen_t local_len)
{
	int fd, err, on = 1, off = 0;

	fd = tcp_socket(local->sa_family);
	if (fd < 0)
		return fd;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (local->sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(fd, local, local_len) < 0 || listen(fd, 8) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int tcp_accept_from(const struct sockaddr *local, socklen_t local_len,
		    const struct sockaddr *remote, socklen_t remote_len,
		    unsigned timeout_ms)
{
	uint64_t deadline = clock_now_ms() + timeout_ms;
	int lfd, fd;

	(void)remote_len;
	if (!local)
		return -EINVAL;
	lfd = tcp_listen(local, local_len);
	if (lfd < 0)
		return lfd;
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);

		fd = tcp_wait(lfd, POLLIN, deadline);
		if (fd < 0)
			break;
		fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				continue;
			fd = -errno;
			break;
		}
		if (tcp_peer_matches(remote, (struct sockaddr *)&peer)) {
			tcp_set_nodelay(fd);
			break;
		}
		tcp_log_refused((struct sockaddr *)&peer);
		close(fd);
	}
	close(lfd);
	return fd;
}

/* ---- stream ------------------------------------------------------------ */

int tcp_stream_init(struct tcp_stream *s, int fd)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->rx = malloc(TCP_RX_CAP);
	if (!s->rx) {
		s->fd = -1;
		close(fd);
		return -ENOMEM;
	}
	s->rx_cap = TCP_RX_CAP;
	/* tx grows on demand: most streams never queue anything. */
	return 0;
}

void tcp_stream_free(struct tcp_stream *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->rx);
	free(s->tx);
	tcp_queue_free(&s->q);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* Hand every complete frame in rx to @on_frame; keep the partial tail. */
static int tcp_stream_parse(struct tcp_stream *s,
			    int (*on_frame)(void *ctx, uint8_t *frame, size_t len),
			    void *ctx)
{
	size_t off = 0;
	int err = 0;

	while (s->rx_len - off >= TCP_LEN_SIZE) {
		size_t len = load_be16(s->rx + off);

		if (len == 0) {
			err = -EPROTO;
			break;
		}
		if (s->rx_len - off < TCP_LEN_SIZE + len)
			break;
		off += TCP_LEN_SIZE + len;
		err = on_frame(ctx, s->rx + off - len, len);
		if (err < 0)
			break;
		err = 0;
	}
	s->rx_len -= off;
	if (off && s->rx_len)
		memmove(s->rx, s->rx + off, s->rx_len);
	return err;
}

int tcp_stream_read(struct tcp_stream *s,
		    int (*on_frame)(void *ctx, uint8_t *frame, size_t len),
		    void *ctx)
{
	for (;;) {
		/* Parse first: frames may be left over from a call that
		 * stopped early because @on_frame failed. */
		int err = tcp_stream_parse(s, on_frame, ctx);
		ssize_t r;

		if (err < 0)
			return err;
		r = recv(s->fd, s->rx + s->rx_len, s->rx_cap - s->rx_len,
			 MSG_DONTWAIT);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		s->rx_len += (size_t)r;
	}
}

/* Make room for @n more queued bytes; the caller checked TCP_TX_MAX. */
static int tcp_tx_reserve(struct tcp_stream *s, size_t n)
{
	size_t need = s->tx_len + n, cap;
	uint8_t *tx;

	if (s->tx_off + need <= s->tx_cap)
		return 0;
	if (s->tx_len && s->tx_off)
		memmove(s->tx, s->tx + s->tx_off, s->tx_len);
	s->tx_off = 0;
	if (need <= s->tx_cap)
		return 0;
	cap = s->tx_cap ? s->tx_cap : 4 * (TCP_LEN_SIZE + TCP_FRAME_MAX);
	while (cap < need)
		cap *= 2;
	if (cap > TCP_TX_MAX + TCP_LEN_SIZE + TCP_FRAME_MAX)
		cap = TCP_TX_MAX + TCP_LEN_SIZE + TCP_FRAME_MAX;
	tx = realloc(s->tx, cap);
	if (!tx)
		return -ENOMEM;
	s->tx = tx;
	s->tx_cap = cap;
	return 0;
}

/* Queue the bytes of @iov from byte @skip on. */
static int tcp_tx_queue(struct tcp_stream *s, const struct iovec *iov,
			int iovcnt, size_t skip, size_t total)
{
	int err = tcp_tx_reserve(s, total - skip);

	if (err)
		return err;
	for (int i = 0; i < iovcnt; i++) {
		size_t len = iov[i].iov_len;

		if (skip >= len) {
			skip -= len;
			continue;
		}
		memcpy(s->tx + s->tx_off + s->tx_len,
		       (const uint8_t *)iov[i].iov_base + skip, len - skip);
		s->tx_len += len - skip;
		skip = 0;
	}
	return 0;
}

/* Count the frames of a write of which @r bytes went out at once: each
 * iov is a frame (@iov_frames) or all are one. */
static void tcp_count_frames(struct tcp_stream *s, const struct iovec *iov,
			     int iovcnt, bool iov_frames, size_t total, size_t r)
{
	if (!iov_frames) {
		tcp_queue_frame(&s->q, total, r);
		return;
	}
	for (int i = 0; i < iovcnt; i++) {
		size_t sent = r < iov[i].iov_len ? r : iov[i].iov_len;

		tcp_queue_frame(&s->q, iov[i].iov_len, sent);
		r -= sent;
	}
}

/* Send framed packets: directly if nothing waits, else behind the queue. */
static int tcp_stream_write(struct tcp_stream *s, const struct iovec *iov,
			    int iovcnt, bool iov_frames, size_t total)
{
	struct msghdr msg = { .msg_iov = (struct iovec *)iov, .msg_iovlen = iovcnt };
	ssize_t r = 0;
	int err;

	/* A frame is queued whole or not at all: a partial frame on the
	 * wire would desynchronise the stream. */
	if (s->tx_len + total > TCP_TX_MAX)
		return -ENOBUFS;
	if (s->tx_len) {
		err = tcp_tx_queue(s, iov, iovcnt, 0, total);
		if (err)
			return err;
		tcp_count_frames(s, iov, iovcnt, iov_frames, total, 0);
		return tcp_stream_flush(s);
	}
	do
		r = sendmsg(s->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		r = 0;
	}
	if ((size_t)r < total) {
		err = tcp_tx_queue(s, iov, iovcnt, (size_t)r, total);
		if (err)
			return err;
	}
	tcp_count_frames(s, iov, iovcnt, iov_frames, total, (size_t)r);
	return 0;
}

int tcp_stream_send(struct tcp_stream *s, struct pkt *p)
{
	struct iovec iov;
	uint8_t *hdr;

	if (p->len == 0 || p->len > TCP_FRAME_MAX)
		return -EMSGSIZE;
	if (s->tx_len + TCP_LEN_SIZE + p->len > TCP_TX_MAX)
		return -ENOBUFS;
	hdr = pkt_push(p, TCP_LEN_SIZE);
	if (!hdr)
		return -EINVAL;
	store_be16(hdr, (uint16_t)(p->len - TCP_LEN_SIZE));
	iov.iov_base = p->data;
	iov.iov_len = p->len;
	return tcp_stream_write(s, &iov, 1, false, p->len);
}

/* A stream has one TOS at a time: the socket's, set when --passtos brings
 * another (IPV6_TCLASS fails on an IPv4 socket, IP_TOS is moot on an IPv6
 * one: each does what applies). */
static void tcp_stream_set_tos(struct tcp_stream *s, uint16_t tos)
{
	int v = tos & 0xff;

	if (!(tos & PKT_TOS_SET) || tos == s->tos)
		return;
	s->tos = tos;
	(void)setsockopt(s->fd, IPPROTO_IP, IP_TOS, &v, sizeof(v));
	(void)setsockopt(s->fd, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v));
}

int tcp_stream_send_many(struct tcp_stream *s, struct pkt *pkts, unsigned n)
{
	struct iovec iov[TCP_SEND_MANY_MAX];
	size_t total = 0;

	if (n == 0)
		return 0;
	if (n > TCP_SEND_MANY_MAX)
		return -E2BIG;
	for (unsigned i = 0; i < n; i++) {
		if (pkts[i].len == 0 || pkts[i].len > TCP_FRAME_MAX ||
		    pkt_headroom(&pkts[i]) < TCP_LEN_SIZE)
			return -EMSGSIZE;
		total += TCP_LEN_SIZE + pkts[i].len;
	}
	/* all or nothing: the packets are left untouched when refused */
	if (s->tx_len + total > TCP_TX_MAX)
		return -ENOBUFS;
	if (tcp_queue_full(&s->q))
		return -ENOSPC;
	tcp_stream_set_tos(s, pkts[0].tos);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *hdr = pkt_push(&pkts[i], TCP_LEN_SIZE);

		store_be16(hdr, (uint16_t)(pkts[i].len - TCP_LEN_SIZE));
		iov[i].iov_base = pkts[i].data;
		iov[i].iov_len = pkts[i].len;
	}
	return tcp_stream_write(s, iov, (int)n, true, total);
}

int tcp_stream_send_buf(struct tcp_stream *s, const uint8_t *buf, size_t len)
{
	uint8_t hdr[TCP_LEN_SIZE];
	struct iovec iov[2];

	if (len == 0 || len > TCP_FRAME_MAX)
		return -EMSGSIZE;
	store_be16(hdr, (uint16_t)len);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)buf;
	iov[1].iov_len = len;
	return tcp_stream_write(s, iov, 2, false, sizeof(hdr) + len);
}

int tcp_stream_flush(struct tcp_stream *s)
{
	while (s->tx_len) {
		ssize_t r = send(s->fd, s->tx + s->tx_off, s->tx_len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		s->tx_off += (size_t)r;
		s->tx_len -= (size_t)r;
		tcp_queue_wrote(&s->q, (uint64_t)r);
	}
	s->tx_off = 0;
	return 0;
}

/* Blocking write of a whole buffer (a control packet before the stream is
 * handed to the engine), bounded by @timeout_ms. 0 or -errno. */
int tcp_write_all(int fd, const uint8_t *buf, size_t len, unsigned timeout_ms)
{
	uint64_t deadline = clock_now_ms() + timeout_ms;

	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (clock_now_ms() >= deadline)
			return -ETIMEDOUT;
		poll(&(struct pollfd){ .fd = fd, .events = POLLOUT }, 1, 100);
	}
	return 0;
}
