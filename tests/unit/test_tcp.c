/*
 * TCP stream framing over socketpairs (reassembly, errors, the bounded tx
 * queue) and connection setup over loopback (peer filtering, timeouts).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "io/tcp.h"

#define WAIT_MS 2000u

/* ---- frame collector ----------------------------------------------------- */

#define MAX_FRAMES 4096

struct collector {
	unsigned count;
	size_t len[MAX_FRAMES];
	uint8_t first[MAX_FRAMES];
	uint32_t sum[MAX_FRAMES];
	int fail_at;            /* return -EBADMSG for this frame index */
};

static uint32_t sum_bytes(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i < len; i++)
		s = s * 31 + p[i];
	return s;
}

static int collect(void *ctx, uint8_t *frame, size_t len)
{
	struct collector *c = ctx;
	unsigned i = c->count++;

	assert_true(i < MAX_FRAMES);
	c->len[i] = len;
	c->first[i] = frame[0];
	c->sum[i] = sum_bytes(frame, len);
	return (int)i == c->fail_at ? -EBADMSG : 0;
}

static struct collector *collector_new(void)
{
	struct collector *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->fail_at = -1;
	return c;
}

/* Frame @n payloads: payload i is @lens[i] bytes of value (i + 1). */
static size_t frame_all(uint8_t *out, const size_t *lens, unsigned n)
{
	size_t off = 0;

	for (unsigned i = 0; i < n; i++) {
		store_be16(out + off, (uint16_t)lens[i]);
		memset(out + off + 2, (int)(i + 1), lens[i]);
		off += 2 + lens[i];
	}
	return off;
}

static void check_frames(const struct collector *c, const size_t *lens, unsigned n)
{
	uint8_t buf[TCP_FRAME_MAX];

	assert_int_equal(c->count, n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(c->len[i], lens[i]);
		memset(buf, (int)(i + 1), lens[i]);
		assert_int_equal(c->sum[i], sum_bytes(buf, lens[i]));
	}
}

/* s reads what raw fd *w writes. */
static void stream_pair(struct tcp_stream *s, int *w)
{
	int sv[2];

	assert_return_code(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
			   errno);
	assert_int_equal(tcp_stream_init(s, sv[0]), 0);
	*w = sv[1];
}

static void write_all(int fd, const uint8_t *p, size_t len)
{
	assert_int_equal(write(fd, p, len), (ssize_t)len);
}

/* ---- reassembly ----------------------------------------------------------- */

static void test_split_every_byte(void **state)
{
	static const size_t lens[] = { 1, 300, 2, 5 };
	uint8_t wire[512];
	size_t total = frame_all(wire, lens, 4);

	(void)state;
	for (size_t k = 1; k < total; k++) {
		struct collector *c = collector_new();
		struct tcp_stream s;
		int w;

		stream_pair(&s, &w);
		write_all(w, wire, k);
		assert_int_equal(tcp_stream_read(&s, collect, c), 0);
		write_all(w, wire + k, total - k);
		assert_int_equal(tcp_stream_read(&s, collect, c), 0);
		check_frames(c, lens, 4);
		assert_int_equal(s.rx_len, 0);
		tcp_stream_free(&s);
		close(w);
		free(c);
	}
}

/* One byte per write: the length field itself arrives split too. */
static void test_byte_by_byte(void **state)
{
	static const size_t lens[] = { 3, 258, 1 };
	struct collector *c = collector_new();
	uint8_t wire[512];
	size_t total = frame_all(wire, lens, 3);
	struct tcp_stream s;
	int w;

	(void)state;
	stream_pair(&s, &w);
	for (size_t k = 0; k < total; k++) {
		write_all(w, wire + k, 1);
		assert_int_equal(tcp_stream_read(&s, collect, c), 0);
	}
	check_frames(c, lens, 3);
	tcp_stream_free(&s);
	close(w);
	free(c);
}

static void test_many_in_one_read(void **state)
{
	struct collector *c = collector_new();
	size_t lens[200];
	uint8_t *wire = malloc(200 * 102);
	struct tcp_stream s;
	size_t total;
	int w;

	(void)state;
	for (unsigned i = 0; i < 200; i++)
		lens[i] = 1 + i % 100;
	total = frame_all(wire, lens, 200);
	stream_pair(&s, &w);
	write_all(w, wire, total);
	assert_int_equal(tcp_stream_read(&s, collect, c), 0);
	check_frames(c, lens, 200);
	tcp_stream_free(&s);
	close(w);
	free(wire);
	free(c);
}

static uint32_t xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Random frame sizes (1 .. 65535) cut into random chunks: what comes out is
 * exactly what went in, whatever the socket boundaries. */
static void test_random_chunks(void **state)
{
	enum { NFRAMES = 64 };
	struct collector *c = collector_new();
	size_t lens[NFRAMES], total, off = 0;
	uint8_t *wire = malloc(NFRAMES * (2 + TCP_FRAME_MAX));
	uint32_t seed = 0x2545f491u;
	struct tcp_stream s;
	int w;

	(void)state;
	assert_non_null(wire);
	for (unsigned i = 0; i < NFRAMES; i++) {
		uint32_t r = xorshift(&seed);

		/* Mostly small, some near the maximum, the maximum itself. */
		lens[i] = i == 7 ? TCP_FRAME_MAX :
			  r % 4 == 0 ? TCP_FRAME_MAX - r % 2000 : 1 + r % 1500;
	}
	total = frame_all(wire, lens, NFRAMES);
	stream_pair(&s, &w);
	while (off < total) {
		size_t chunk = 1 + xorshift(&seed) % 70000;

		if (chunk > total - off)
			chunk = total - off;
		/* Chunks up to the socketpair's buffer; read to make room. */
		while (chunk) {
			ssize_t n = write(w, wire + off, chunk);

			if (n < 0) {
				assert_int_equal(errno, EAGAIN);
				n = 0;
			}
			off += (size_t)n;
			chunk -= (size_t)n;
			assert_int_equal(tcp_stream_read(&s, collect, c), 0);
		}
	}
	assert_int_equal(tcp_stream_read(&s, collect, c), 0);
	check_frames(c, lens, NFRAMES);
	tcp_stream_free(&s);
	close(w);
	free(wire);
	free(c);
}

static void test_zero_length(void **state)
{
	static const uint8_t wire[] = { 0, 2, 'o', 'k', 0, 0, 0, 1, 'x' };
	struct collector *c = collector_new();
	struct tcp_stream s;
	int w;

	(void)state;
	stream_pair(&s, &w);
	write_all(w, wire, sizeof(wire));
	/* The frame before the bad length is delivered, then the error. */
	assert_int_equal(tcp_stream_read(&s, collect, c), -EPROTO);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->len[0], 2);
	tcp_stream_free(&s);
	close(w);
	free(c);
}

static void test_peer_close(void **state)
{
	static const uint8_t wire[] = { 0, 3, 'e', 'n', 'd', 0, 9, 'p' };
	struct collector *c = collector_new();
	struct tcp_stream s;
	int w;

	(void)state;
	stream_pair(&s, &w);
	write_all(w, wire, sizeof(wire));
	close(w);
	/* Complete frames first; the truncated one dies with the stream. */
	assert_int_equal(tcp_stream_read(&s, collect, c), -ECONNRESET);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->first[0], 'e');
	tcp_stream_free(&s);
	free(c);
}

/* A callback error stops the read; the next read resumes after that frame. */
static void test_callback_error(void **state)
{
	static const size_t lens[] = { 4, 5, 6 };
	struct collector *c = collector_new();
	uint8_t wire[64];
	size_t total = frame_all(wire, lens, 3);
	struct tcp_stream s;
	int w;

	(void)state;
	stream_pair(&s, &w);
	write_all(w, wire, total);
	c->fail_at = 1;
	assert_int_equal(tcp_stream_read(&s, collect, c), -EBADMSG);
	assert_int_equal(c->count, 2);
	assert_int_equal(tcp_stream_read(&s, collect, c), 0);
	check_frames(c, lens, 3);
	tcp_stream_free(&s);
	close(w);
	free(c);
}

/* ---- sending ---------------------------------------------------------------- */

/* Move everything from @tx to @rx until @want frames arrived (bounded). */
static void pump(struct tcp_stream *tx, struct tcp_stream *rx,
		 struct collector *c, unsigned want)
{
	uint64_t deadline = clock_now_ms() + WAIT_MS;

	while (c->count < want || tcp_stream_pending(tx)) {
		assert_true(clock_now_ms() < deadline);
		assert_int_equal(tcp_stream_flush(tx), 0);
		assert_int_equal(tcp_stream_read(rx, collect, c), 0);
	}
}

static void stream_stream(struct tcp_stream *a, struct tcp_stream *b)
{
	int sv[2];

	assert_return_code(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
			   errno);
	assert_int_equal(tcp_stream_init(a, sv[0]), 0);
	assert_int_equal(tcp_stream_init(b, sv[1]), 0);
}

static void test_max_frame(void **state)
{
	struct collector *c = collector_new();
	struct tcp_stream a, b;
	struct pkt_pool pool;
	struct pkt *p;
	size_t lens[2] = { TCP_FRAME_MAX, TCP_FRAME_MAX };

	(void)state;
	stream_stream(&a, &b);
	assert_int_equal(pkt_pool_init(&pool, 1), 0);
	p = pool.pkts;
	memset(p->data, 1, TCP_FRAME_MAX);
	p->len = TCP_FRAME_MAX;
	assert_int_equal(tcp_stream_send(&a, p), 0);
	/* The length went into the headroom, in front of the packet. */
	assert_int_equal(pkt_headroom(p), PKT_HEADROOM - 2);
	assert_int_equal(load_be16(p->data), TCP_FRAME_MAX);
	memset(p->data, 2, TCP_FRAME_MAX);
	assert_int_equal(tcp_stream_send_buf(&a, p->data, TCP_FRAME_MAX), 0);
	pump(&a, &b, c, 2);
	check_frames(c, lens, 2);

	pkt_reset(p);
	p->len = TCP_FRAME_MAX + 1;
	assert_int_equal(tcp_stream_send(&a, p), -EMSGSIZE);
	p->len = 0;
	assert_int_equal(tcp_stream_send(&a, p), -EMSGSIZE);
	assert_int_equal(tcp_stream_send_buf(&a, p->data, TCP_FRAME_MAX + 1), -EMSGSIZE);
	assert_int_equal(tcp_stream_send_buf(&a, p->data, 0), -EMSGSIZE);
	assert_false(tcp_stream_pending(&a));
	pkt_pool_free(&pool);
	tcp_stream_free(&a);
	tcp_stream_free(&b);
	free(c);
}

/* Nobody reads: the queue fills up to its bound, then drains intact. */
static void test_tx_queue_full(void **state)
{
	struct collector *c = collector_new();
	struct tcp_stream a, b;
	struct pkt_pool pool;
	uint8_t buf[1000];
	unsigned sent = 0;
	int err = 0;

	(void)state;
	stream_stream(&a, &b);
	while (sent < MAX_FRAMES) {
		memset(buf, (int)(sent + 1), sizeof(buf));
		err = tcp_stream_send_buf(&a, buf, sizeof(buf));
		if (err)
			break;
		sent++;
	}
	assert_int_equal(err, -ENOBUFS);
	assert_true(tcp_stream_pending(&a));
	/* Bounded: about 1 MiB queued beyond what the socket holds. */
	assert_true(a.tx_len <= 1024 * 1024);
	assert_true(a.tx_len + sizeof(buf) + 2 > 1024 * 1024);
	/* A refused packet is left as it was: no length pushed. */
	assert_int_equal(pkt_pool_init(&pool, 1), 0);
	pool.pkts[0].len = sizeof(buf);
	assert_int_equal(tcp_stream_send(&a, &pool.pkts[0]), -ENOBUFS);
	assert_int_equal(pkt_headroom(&pool.pkts[0]), PKT_HEADROOM);
	assert_int_equal(pool.pkts[0].len, sizeof(buf));
	pkt_pool_free(&pool);
	assert_int_equal(tcp_stream_flush(&a), 0);

	pump(&a, &b, c, sent);
	assert_int_equal(c->count, sent);
	for (unsigned i = 0; i < sent; i++) {
		memset(buf, (int)(i + 1), sizeof(buf));
		assert_int_equal(c->len[i], sizeof(buf));
		assert_int_equal(c->sum[i], sum_bytes(buf, sizeof(buf)));
	}
	/* Drained: sending works again. */
	assert_false(tcp_stream_pending(&a));
	assert_int_equal(tcp_stream_send_buf(&a, buf, 10), 0);
	pump(&a, &b, c, sent + 1);
	tcp_stream_free(&a);
	tcp_stream_free(&b);
	free(c);
}

/* Once something is queued, a new frame goes behind it even when the
 * socket has room again: never around it. */
static void test_tx_order(void **state)
{
	struct collector *c = collector_new();
	struct tcp_stream a, b;
	uint8_t buf[1000];
	unsigned sent = 0;

	(void)state;
	stream_stream(&a, &b);
	while (!tcp_stream_pending(&a)) {
		assert_true(sent < MAX_FRAMES - 1);
		memset(buf, (int)(sent + 1), sizeof(buf));
		assert_int_equal(tcp_stream_send_buf(&a, buf, sizeof(buf)), 0);
		sent++;
	}
	/* The reader makes room; the writer has not flushed. */
	assert_int_equal(tcp_stream_read(&b, collect, c), 0);
	memset(buf, (int)(sent + 1), sizeof(buf));
	assert_int_equal(tcp_stream_send_buf(&a, buf, sizeof(buf)), 0);
	sent++;
	pump(&a, &b, c, sent);
	assert_int_equal(c->count, sent);
	for (unsigned i = 0; i < sent; i++) {
		memset(buf, (int)(i + 1), sizeof(buf));
		assert_int_equal(c->sum[i], sum_bytes(buf, sizeof(buf)));
	}
	tcp_stream_free(&a);
	tcp_stream_free(&b);
	free(c);
}

/* --tcp-queue-limit 4: once the socket is full, data packets are taken
 * while at most 4 wait whole (the one being written does not count), then
 * refused untouched with -ENOSPC and counted apart from the byte bound;
 * control frames still go in; all drain intact. */
static void test_tx_queue_limit(void **state)
{
	struct collector *c = collector_new();
	struct tcp_stream a, b;
	struct pkt_pool pool;
	uint8_t buf[1000];
	unsigned sent = 0, data = 0, waiting;
	int err = 0;

	(void)state;
	stream_stream(&a, &b);
	assert_int_equal(tcp_queue_set_limit(&a.q, 4), 0);
	while (!tcp_stream_pending(&a)) {
		assert_true(sent < MAX_FRAMES - 1);
		memset(buf, 7, sizeof(buf));
		assert_int_equal(tcp_stream_send_buf(&a, buf, sizeof(buf)), 0);
		sent++;
	}
	waiting = a.q.n;	/* 1 if that frame was queued whole, else 0 */
	assert_true(waiting <= 1);
	assert_int_equal(pkt_pool_init(&pool, 8), 0);
	for (unsigned i = 0; i < 8; i++) {
		pool.pkts[i].len = sizeof(buf);
		memset(pool.pkts[i].data, 7, sizeof(buf));
		err = tcp_stream_send_many(&a, &pool.pkts[i], 1);
		if (err)
			break;
		data++;
	}
	assert_int_equal(err, -ENOSPC);
	assert_int_equal(data, 5 - waiting);
	assert_int_equal(a.q.n, 5);
	assert_int_equal(pkt_headroom(&pool.pkts[data]), PKT_HEADROOM);
	/* control frames are not refused by the packet limit */
	assert_int_equal(tcp_stream_send_buf(&a, buf, sizeof(buf)), 0);
	sent += data + 1;
	pump(&a, &b, c, sent);
	assert_int_equal(c->count, sent);
	for (unsigned i = 0; i < sent; i++)
		assert_int_equal(c->sum[i], sum_bytes(buf, sizeof(buf)));
	assert_int_equal(a.q.n, 0);
	pkt_reset(&pool.pkts[7]);
	pool.pkts[7].len = 10;
	assert_int_equal(tcp_stream_send_many(&a, &pool.pkts[7], 1), 0);
	pkt_pool_free(&pool);
	tcp_stream_free(&a);
	tcp_stream_free(&b);
	free(c);
}

static void test_send_broken(void **state)
{
	struct tcp_stream s;
	int w;

	(void)state;
	stream_pair(&s, &w);
	close(w);
	assert_int_equal(tcp_stream_send_buf(&s, (const uint8_t *)"x", 1), -EPIPE);
	tcp_stream_free(&s);
}

/* ---- connection setup over loopback ------------------------------------------- */

static socklen_t sa_make(struct sockaddr_storage *ss, const char *host,
			 uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(host, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, host, &s6->sin6_addr), 1);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, host, &s4->sin_addr), 1);
	return sizeof(*s4);
}

/* A port nobody uses right now (the kernel picks it). */
static uint16_t free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_return_code(bind(fd, (struct sockaddr *)&sin, len), errno);
	assert_return_code(getsockname(fd, (struct sockaddr *)&sin, &len), errno);
	close(fd);
	return ntohs(sin.sin_port);
}

struct acceptor {
	pthread_t thread;
	struct sockaddr_storage local, remote;
	socklen_t local_len, remote_len;
	unsigned timeout_ms;
	int fd;
};

static void *acceptor_run(void *arg)
{
	struct acceptor *a = arg;

	a->fd = tcp_accept_from((struct sockaddr *)&a->local, a->local_len,
				a->remote_len ? (struct sockaddr *)&a->remote : NULL,
				a->remote_len, a->timeout_ms);
	return NULL;
}

static void acceptor_start(struct acceptor *a, const char *lhost, uint16_t port,
			   const char *rhost, uint16_t rport)
{
	memset(a, 0, sizeof(*a));
	a->local_len = sa_make(&a->local, lhost, port);
	if (rhost)
		a->remote_len = sa_make(&a->remote, rhost, rport);
	a->timeout_ms = WAIT_MS;
	assert_int_equal(pthread_create(&a->thread, NULL, acceptor_run, a), 0);
}

/* Connect (retrying while the listener is not up yet) from @lhost if set. */
static int connect_to(const char *rhost, uint16_t port, const char *lhost)
{
	struct sockaddr_storage r, l;
	socklen_t rlen = sa_make(&r, rhost, port), llen = 0;
	uint64_t deadline = clock_now_ms() + WAIT_MS;
	int fd;

	if (lhost)
		llen = sa_make(&l, lhost, 0);
	do {
		fd = tcp_connect(lhost ? (struct sockaddr *)&l : NULL, llen,
				 (struct sockaddr *)&r, rlen, WAIT_MS);
		if (fd == -ECONNREFUSED)
			usleep(10000);
	} while (fd == -ECONNREFUSED && clock_now_ms() < deadline);
	assert_true(fd >= 0);
	return fd;
}

static void check_nodelay_nonblock(int fd)
{
	int on = 0;
	socklen_t len = sizeof(on);

	assert_return_code(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len), errno);
	assert_true(on);
	assert_int_equal(recv(fd, &on, 1, MSG_PEEK), -1);
	assert_int_equal(errno, EAGAIN);
}

/* Both ends as streams: a frame each way. */
static void exchange(int cfd, int sfd)
{
	struct collector *c = collector_new();
	struct tcp_stream cs, ss;
	size_t lens[1] = { 1400 };
	uint8_t buf[1400];

	assert_int_equal(tcp_stream_init(&cs, cfd), 0);
	assert_int_equal(tcp_stream_init(&ss, sfd), 0);
	memset(buf, 1, sizeof(buf));
	assert_int_equal(tcp_stream_send_buf(&cs, buf, sizeof(buf)), 0);
	pump(&cs, &ss, c, 1);
	check_frames(c, lens, 1);
	c->count = 0;
	assert_int_equal(tcp_stream_send_buf(&ss, buf, sizeof(buf)), 0);
	pump(&ss, &cs, c, 1);
	check_frames(c, lens, 1);
	tcp_stream_free(&cs);
	tcp_stream_free(&ss);
	free(c);
}

static void connect_accept(const char *lhost, const char *chost, const char *rhost)
{
	struct acceptor a;
	uint16_t port = free_port();
	int cfd;

	acceptor_start(&a, lhost, port, rhost, 0);
	cfd = connect_to(chost, port, NULL);
	assert_int_equal(pthread_join(a.thread, NULL), 0);
	assert_true(a.fd >= 0);
	check_nodelay_nonblock(cfd);
	check_nodelay_nonblock(a.fd);
	exchange(cfd, a.fd);
}

static void test_connect_accept_v4(void **state)
{
	(void)state;
	connect_accept("127.0.0.1", "127.0.0.1", "127.0.0.1");
}

static void test_connect_accept_v6(void **state)
{
	(void)state;
	connect_accept("::1", "::1", "::1");
}

/* A dual-stack listener matches an IPv4 remote against v4-mapped peers. */
static void test_connect_accept_mapped(void **state)
{
	(void)state;
	connect_accept("::", "127.0.0.1", "127.0.0.1");
}

static void test_accept_any(void **state)
{
	(void)state;
	connect_accept("127.0.0.1", "127.0.0.1", NULL);
	connect_accept("127.0.0.1", "127.0.0.1", "0.0.0.0");
}

/* A connection from the wrong address is dropped; the right one accepted. */
static void test_accept_filters(void **state)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	struct acceptor a;
	uint16_t port = free_port();
	struct pollfd pfd;
	char c;
	int bad, good;

	(void)state;
	acceptor_start(&a, "127.0.0.1", port, "127.0.0.2", 0);
	bad = connect_to("127.0.0.1", port, "127.0.0.1");
	/* The impostor sees its connection closed. */
	pfd = (struct pollfd){ .fd = bad, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	assert_true(recv(bad, &c, 1, 0) <= 0);
	good = connect_to("127.0.0.1", port, "127.0.0.2");
	assert_int_equal(pthread_join(a.thread, NULL), 0);
	assert_true(a.fd >= 0);
	assert_return_code(getpeername(a.fd, (struct sockaddr *)&peer, &len), errno);
	assert_int_equal(peer.sin_addr.s_addr, htonl(0x7f000002));
	close(bad);
	exchange(good, a.fd);
}

/* With a port in @remote, the source port must match as well. */
static void test_accept_port(void **state)
{
	struct acceptor a;
	uint16_t port = free_port(), cport = free_port();
	struct sockaddr_storage l, r;
	socklen_t llen = sa_make(&l, "127.0.0.1", cport);
	socklen_t rlen;
	int bad, good;

	(void)state;
	acceptor_start(&a, "127.0.0.1", port, "127.0.0.1", cport);
	bad = connect_to("127.0.0.1", port, "127.0.0.1");
	rlen = sa_make(&r, "127.0.0.1", port);
	good = tcp_connect((struct sockaddr *)&l, llen, (struct sockaddr *)&r, rlen,
			   WAIT_MS);
	assert_true(good >= 0);
	assert_int_equal(pthread_join(a.thread, NULL), 0);
	assert_true(a.fd >= 0);
	close(bad);
	exchange(good, a.fd);
}

static void test_accept_timeout(void **state)
{
	struct sockaddr_storage l, r;
	socklen_t llen = sa_make(&l, "127.0.0.1", free_port());
	socklen_t rlen = sa_make(&r, "127.0.0.1", 0);
	uint64_t start = clock_now_ms();

	(void)state;
	assert_int_equal(tcp_accept_from((struct sockaddr *)&l, llen,
					 (struct sockaddr *)&r, rlen, 150),
			 -ETIMEDOUT);
	assert_true(clock_now_ms() - start >= 140);
	assert_true(clock_now_ms() - start < 1500);
}

static void test_connect_refused(void **state)
{
	struct sockaddr_storage r;
	socklen_t rlen = sa_make(&r, "127.0.0.1", free_port());

	(void)state;
	assert_int_equal(tcp_connect(NULL, 0, (struct sockaddr *)&r, rlen, WAIT_MS),
			 -ECONNREFUSED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_every_byte),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_many_in_one_read),
		cmocka_unit_test(test_random_chunks),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_peer_close),
		cmocka_unit_test(test_callback_error),
		cmocka_unit_test(test_max_frame),
		cmocka_unit_test(test_tx_queue_full),
		cmocka_unit_test(test_tx_order),
		cmocka_unit_test(test_tx_queue_limit),
		cmocka_unit_test(test_send_broken),
		cmocka_unit_test(test_connect_accept_v4),
		cmocka_unit_test(test_connect_accept_v6),
		cmocka_unit_test(test_connect_accept_mapped),
		cmocka_unit_test(test_accept_any),
		cmocka_unit_test(test_accept_filters),
		cmocka_unit_test(test_accept_port),
		cmocka_unit_test(test_accept_timeout),
		cmocka_unit_test(test_connect_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
