/* TCP connections waiting for their first frame, bounded. See tcp_pending.h. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/log.h"
#include "io/tcp.h"
#include "io/tcp_pending.h"

struct tcp_pending_conn {
	struct tcp_pending *tp;
	struct tcp_pending_conn *older, *newer;   /* by accept time */
	int fd;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	uint64_t deadline_ms;
	uint8_t len_be[2];
	size_t have;             /* bytes of length + frame read */
	uint8_t *frame;          /* allocated once the length is known */
};

enum loss { LOSS_SRC, LOSS_TOTAL, LOSS_FDS, LOSS_TIMEOUT };

/* ---- sources ------------------------------------------------------------- */

static bool v4_mapped(const struct in6_addr *a)
{
	static const uint8_t pre[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a->s6_addr, pre, sizeof(pre));
}

/* One source: the same IPv4 address (also as an IPv4-mapped IPv6 one), or
 * the same IPv6 /64. Ports never count. */
static bool same_source(const struct sockaddr_storage *a,
			const struct sockaddr_storage *b)
{
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family != AF_INET6)
		return false;
	if (v4_mapped(&x->sin6_addr) || v4_mapped(&y->sin6_addr))
		return !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
	return !memcmp(&x->sin6_addr, &y->sin6_addr, 8);
}

/* ---- the list ------------------------------------------------------------ */

static void unlink_conn(struct tcp_pending *tp, struct tcp_pending_conn *c)
{
	if (c->older)
		c->older->newer = c->newer;
	else
		tp->oldest = c->newer;
	if (c->newer)
		c->newer->older = c->older;
	else
		tp->newest = c->older;
	tp->n--;
}

/* Forget @c; its descriptor is closed unless @keep_fd. */
static void drop(struct tcp_pending *tp, struct tcp_pending_conn *c,
		 bool keep_fd)
{
	unlink_conn(tp, c);
	loop_del(tp->loop, c->fd);
	if (!keep_fd)
		close(c->fd);
	free(c->frame);
	free(c);
}

/* Losses (evictions, time-outs) are what a flood causes: counted always,
 * logged at most every TCP_PENDING_LOG_MS with the totals. */
static void count_loss(struct tcp_pending *tp, enum loss why, uint64_t now)
{
	struct tcp_pending_stats *st = &tp->st;
	uint64_t all;

	if (why == LOSS_SRC)
		st->evicted_src++;
	else if (why == LOSS_TOTAL)
		st->evicted_total++;
	else if (why == LOSS_FDS)
		st->evicted_fds++;
	else
		st->timed_out++;
	all = st->evicted_src + st->evicted_total + st->evicted_fds +
	      st->timed_out;
	if (tp->log_ms && now - tp->log_ms < TCP_PENDING_LOG_MS)
		return;
	log_warn("TCP: %llu connections without a first packet closed since "
		 "the last report (so far: %llu over %u from one source, %llu "
		 "over %u in all, %llu for lack of descriptors, %llu after "
		 "%u ms; %u waiting now)",
		 (unsigned long long)(all - tp->logged_losses),
		 (unsigned long long)st->evicted_src, tp->lim.max_per_src,
		 (unsigned long long)st->evicted_total, tp->lim.max_total,
		 (unsigned long long)st->evicted_fds,
		 (unsigned long long)st->timed_out, tp->lim.timeout_ms, tp->n);
	tp->log_ms = now;
	tp->logged_losses = all;
}

/* The oldest connection from @addr's source, and how many it has. */
static struct tcp_pending_conn *oldest_of(struct tcp_pending *tp,
					  const struct sockaddr_storage *addr,
					  unsigned *count)
{
	struct tcp_pending_conn *first = NULL;

	*count = 0;
	for (struct tcp_pending_conn *c = tp->oldest; c; c = c->newer) {
		if (!same_source(&c->addr, addr))
			continue;
		if (!first)
			first = c;
		(*count)++;
	}
	return first;
}

/* ---- reading the first frame -------------------------------------------- */

/* The frame is complete: hand it over; or, @foreign (port-share), the
 * bytes read so far are not OpenVPN's: pass them on. */
static void hand_over(struct tcp_pending *tp, struct tcp_pending_conn *c,
		      bool foreign)
{
	int fd = c->fd, ret;

	/* unwatched and unlinked first: the callback may watch fd itself */
	unlink_conn(tp, c);
	loop_del(tp->loop, fd);
	ret = foreign ? tp->foreign(tp->ctx, fd, &c->addr, c->addr_len,
				    c->len_be, c->have) :
			tp->first(tp->ctx, fd, &c->addr, c->addr_len, c->frame,
				  c->have - 2);
	if (ret < 0) {
		tp->st.refused++;
		close(fd);
	} else if (foreign) {
		tp->st.foreign++;
	} else {
		tp->st.handed++;
	}
	free(c->frame);
	free(c);
}

/* OpenVPN's first bytes, judged as 2.6's port-share does (ps.c). @p3: the
 * third byte, -1 while it has not come (then either length may still be
 * OpenVPN's). */
static bool is_openvpn(const uint8_t len_be[2], int p3)
{
	unsigned plen = load_be16(len_be);
	bool v3 = plen >= 336 && plen < 1024 + 255;	/* WKc: >= 290 bytes */
	bool v2 = plen >= 14 && plen <= 255;

	if (p3 < 0)
		return v2 || v3;
	if (p3 == (10 << 3))	/* P_CONTROL_HARD_RESET_CLIENT_V3, key-id 0 */
		return v3;
	return v2 && p3 == (7 << 3);	/* ..._CLIENT_V2 */
}

/* With port-share: does the stream so far look like someone else's? */
static bool looks_foreign(struct tcp_pending *tp, struct tcp_pending_conn *c)
{
	uint8_t p3;

	if (!tp->foreign || c->have < 2 || c->have > 2)
		return false;
	if (recv(c->fd, &p3, 1, MSG_PEEK | MSG_DONTWAIT) != 1)
		return !is_openvpn(c->len_be, -1);
	return !is_openvpn(c->len_be, p3);
}

/* Read what has come, never past the first frame. 1: read something,
 * call again; 0: nothing more now, or @c is gone (handed over, closed). */
static int read_some(struct tcp_pending *tp, struct tcp_pending_conn *c)
{
	size_t need = c->have < 2 ? 2 : 2u + load_be16(c->len_be);
	uint8_t *dst = c->have < 2 ? c->len_be + c->have :
				     c->frame + (c->have - 2);
	ssize_t n = recv(c->fd, dst, need - c->have, 0);

	if (n < 0 && errno == EINTR)
		return 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0) {
		tp->st.closed++;
		drop(tp, c, false);
		return 0;
	}
	c->have += (size_t)n;
	if (looks_foreign(tp, c)) {
		hand_over(tp, c, true);
		return 0;
	}
	if (c->have == 2) {
		size_t len = load_be16(c->len_be);

		c->frame = len && len <= tp->lim.frame_max ? malloc(len) : NULL;
		if (!c->frame) {
			tp->st.refused++;
			drop(tp, c, false);
			return 0;
		}
	}
	if (c->have > 2 && c->have == 2u + load_be16(c->len_be)) {
		hand_over(tp, c, false);
		return 0;
	}
	return 1;
}

static void conn_readable(void *ctx, uint32_t events)
{
	struct tcp_pending_conn *c = ctx;

	(void)events;
	while (read_some(c->tp, c) > 0)
		;
}

/* ---- taking connections in ----------------------------------------------- */

int tcp_pending_add(struct tcp_pending *tp, int fd,
		    const struct sockaddr_storage *addr, socklen_t addr_len,
		    uint64_t now_ms)
{
	struct tcp_pending_conn *c, *old;
	unsigned from_src;
	int err;

	old = oldest_of(tp, addr, &from_src);
	if (old && from_src >= tp->lim.max_per_src) {
		drop(tp, old, false);
		count_loss(tp, LOSS_SRC, now_ms);
	}
	if (tp->n >= tp->lim.max_total && tp->oldest) {
		drop(tp, tp->oldest, false);
		count_loss(tp, LOSS_TOTAL, now_ms);
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->tp = tp;
	c->fd = fd;
	memcpy(&c->addr, addr, addr_len);
	c->addr_len = addr_len;
	c->deadline_ms = now_ms + tp->lim.timeout_ms;
	err = loop_add(tp->loop, fd, EPOLLIN, conn_readable, c);
	if (err) {
		close(fd);
		free(c);
		return err;
	}
	c->older = tp->newest;
	if (tp->newest)
		tp->newest->newer = c;
	else
		tp->oldest = c;
	tp->newest = c;
	tp->n++;
	tp->st.accepted++;
	return 0;
}

/* accept() found no descriptor (it says so even when no connection is
 * queued): if one is, close the oldest waiting connection to make room, or
 * pause accepting if none waits. true: try again. */
static bool out_of_fds(struct tcp_pending *tp, uint64_t now)
{
	struct pollfd q = { .fd = tp->listen_fd, .events = POLLIN };

	if (poll(&q, 1, 0) <= 0 || !(q.revents & POLLIN))
		return false;
	if (tp->oldest) {
		drop(tp, tp->oldest, false);
		count_loss(tp, LOSS_FDS, now);
		return true;
	}
	tp->paused_until_ms = now + TCP_PENDING_PAUSE_MS;
	loop_mod(tp->loop, tp->listen_fd, 0);
	log_warn("TCP: out of file descriptors, not accepting for %u ms",
		 TCP_PENDING_PAUSE_MS);
	return false;
}

static void listen_readable(void *ctx, uint32_t events)
{
	struct tcp_pending *tp = ctx;

	(void)events;
	/* a batch per pass: a flood must not starve the loop's other fds */
	for (unsigned i = 0; i < TCP_PENDING_ACCEPT_BATCH &&
			     !tp->paused_until_ms; i++) {
		struct sockaddr_storage a;
		socklen_t alen = sizeof(a);
		int fd = accept4(tp->listen_fd, (struct sockaddr *)&a, &alen,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd >= 0) {
			tcp_pending_add(tp, fd, &a, alen, clock_now_ms());
			continue;
		}
		if ((errno == EMFILE || errno == ENFILE) &&
		    out_of_fds(tp, clock_now_ms()))
			continue;
		/* EAGAIN, or the peer gave up before we took it */
		if (errno != ECONNABORTED && errno != EINTR)
			return;
	}
}

void tcp_pending_init(struct tcp_pending *tp, struct loop *l,
		      const struct tcp_pending_limits *lim,
		      tcp_pending_first_cb first, void *ctx)
{
	memset(tp, 0, sizeof(*tp));
	tp->loop = l;
	tp->first = first;
	tp->ctx = ctx;
	tp->listen_fd = -1;
	tp->lim = *lim;
	if (!tp->lim.max_total)
		tp->lim.max_total = TCP_PENDING_MAX_TOTAL;
	if (!tp->lim.max_per_src)
		tp->lim.max_per_src = TCP_PENDING_MAX_PER_SRC;
	if (!tp->lim.timeout_ms)
		tp->lim.timeout_ms = TCP_PENDING_TIMEOUT_MS;
	if (!tp->lim.frame_max || tp->lim.frame_max > TCP_FRAME_MAX)
		tp->lim.frame_max = TCP_FRAME_MAX;
}

void tcp_pending_set_foreign(struct tcp_pending *tp, tcp_pending_foreign_cb cb)
{
	tp->foreign = cb;
}

int tcp_pending_listen(struct tcp_pending *tp, int listen_fd)
{
	int err = loop_add(tp->loop, listen_fd, EPOLLIN, listen_readable, tp);

	if (!err)
		tp->listen_fd = listen_fd;
	return err;
}

void tcp_pending_free(struct tcp_pending *tp)
{
	while (tp->oldest)
		drop(tp, tp->oldest, false);
	if (tp->listen_fd >= 0)
		loop_del(tp->loop, tp->listen_fd);
	tp->listen_fd = -1;
}

uint64_t tcp_pending_tick(struct tcp_pending *tp, uint64_t now_ms)
{
	uint64_t next = LOOP_NO_DEADLINE;

	if (tp->paused_until_ms && now_ms >= tp->paused_until_ms) {
		tp->paused_until_ms = 0;
		loop_mod(tp->loop, tp->listen_fd, EPOLLIN);
	}
	if (tp->paused_until_ms)
		next = tp->paused_until_ms;
	/* the oldest expire first: they all have the same time-out */
	while (tp->oldest && tp->oldest->deadline_ms <= now_ms) {
		drop(tp, tp->oldest, false);
		count_loss(tp, LOSS_TIMEOUT, now_ms);
	}
	if (tp->oldest && tp->oldest->deadline_ms < next)
		next = tp->oldest->deadline_ms;
	return next;
}
