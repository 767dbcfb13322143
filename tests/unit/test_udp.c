/* UDP batches over loopback: 127.0.0.1, ::1 and a dual-stack :: socket. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/udp.h"

#define NPKT 128u
#define WAIT_MS 2000

struct udp_pair {
	int a, b;
	struct sockaddr_storage a_addr, b_addr;
	socklen_t a_len, b_len;
	struct pkt_pool tx, rx;
};

/* Open a socket on @host port 0 and learn the address it got. */
static int open_on(const char *host, struct sockaddr_storage *ss, socklen_t *len)
{
	int fd;

	memset(ss, 0, sizeof(*ss));
	if (strchr(host, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, host, &s6->sin6_addr), 1);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, host, &s4->sin_addr), 1);
		*len = sizeof(*s4);
	}
	fd = udp_open((struct sockaddr *)ss, *len);
	assert_true(fd >= 0);
	assert_return_code(getsockname(fd, (struct sockaddr *)ss, len), errno);
	return fd;
}

static void pair_open(struct udp_pair *u, const char *ha, const char *hb)
{
	u->a = open_on(ha, &u->a_addr, &u->a_len);
	u->b = open_on(hb, &u->b_addr, &u->b_len);
	assert_int_equal(pkt_pool_init(&u->tx, NPKT), 0);
	assert_int_equal(pkt_pool_init(&u->rx, NPKT), 0);
}

static void pair_close(struct udp_pair *u)
{
	close(u->a);
	close(u->b);
	pkt_pool_free(&u->tx);
	pkt_pool_free(&u->rx);
}

static void fill(struct pkt *p, unsigned i, const struct sockaddr_storage *to,
		 socklen_t tolen)
{
	pkt_reset(p);
	p->len = (uint32_t)snprintf((char *)p->data, 64, "datagram %u", i);
	memcpy(&p->addr, to, tolen);
	p->addrlen = tolen;
}

/* Receive @want datagrams on @fd; check payloads "datagram i" in order and
 * that each came from @from. */
static void recv_all(int fd, struct pkt_pool *pool, unsigned want,
		     const struct sockaddr_storage *from, socklen_t fromlen)
{
	unsigned got = 0;

	while (got < want) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n;

		for (unsigned i = 0; i < pool->count; i++)
			pkt_reset(&pool->pkts[i]);
		n = udp_recv_batch(fd, pool->pkts, pool->count);
		if (n == -EAGAIN) {
			assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
			continue;
		}
		assert_true(n > 0 && n <= (int)pool->count);
		for (int i = 0; i < n; i++, got++) {
			struct pkt *p = &pool->pkts[i];
			char expect[64];

			snprintf(expect, sizeof(expect), "datagram %u", got);
			assert_int_equal(p->len, strlen(expect));
			assert_memory_equal(p->data, expect, p->len);
			assert_int_equal(pkt_headroom(p), PKT_HEADROOM);
			assert_int_equal(p->sock, fd);
			assert_int_equal(p->addrlen, fromlen);
			assert_memory_equal(&p->addr, from, fromlen);
		}
	}
	assert_int_equal(got, want);
}

/* @n datagrams a -> b, then b echoes each back to the address it came from. */
static void batch_both_ways(const char *ha, const char *hb, unsigned n)
{
	struct udp_pair u;
	unsigned failed = 99;
	struct pkt_pool *rx = &u.rx;

	pair_open(&u, ha, hb);
	for (unsigned i = 0; i < n; i++)
		fill(&u.tx.pkts[i], i, &u.b_addr, u.b_len);
	assert_int_equal(udp_send_batch(u.a, u.tx.pkts, n, &failed), (int)n);
	assert_int_equal(failed, 0);
	recv_all(u.b, rx, n, &u.a_addr, u.a_len);

	/* The reply path: reuse the filled-in addresses as destinations. */
	for (unsigned i = 0; i < n; i++) {
		struct sockaddr_storage from = rx->pkts[0].addr;
		socklen_t fromlen = rx->pkts[0].addrlen;

		fill(&u.tx.pkts[i], i, &from, fromlen);
	}
	assert_int_equal(udp_send_batch(u.b, u.tx.pkts, n, &failed), (int)n);
	assert_int_equal(failed, 0);
	recv_all(u.a, rx, n, &u.b_addr, u.b_len);
	pair_close(&u);
}

static void test_v4_batches(void **state)
{
	(void)state;
	batch_both_ways("127.0.0.1", "127.0.0.1", 8);
}

static void test_v6_batches(void **state)
{
	(void)state;
	batch_both_ways("::1", "::1", 8);
}

/* More than one sendmmsg/recvmmsg call's worth. */
static void test_large_batch(void **state)
{
	(void)state;
	batch_both_ways("127.0.0.1", "127.0.0.1", NPKT);
}

/* A :: socket takes IPv4 too; the sender shows up v4-mapped. */
static void test_dual_stack(void **state)
{
	struct sockaddr_storage v6any, v4;
	socklen_t len6, len4;
	struct pkt_pool pool;
	struct sockaddr_in6 *from;
	char host[INET6_ADDRSTRLEN];
	struct pollfd pfd;
	int s6, s4;

	(void)state;
	s6 = open_on("::", &v6any, &len6);
	s4 = open_on("127.0.0.1", &v4, &len4);
	assert_int_equal(pkt_pool_init(&pool, 4), 0);
	((struct sockaddr_in *)&v4)->sin_port = ((struct sockaddr_in6 *)&v6any)->sin6_port;
	assert_int_equal(sendto(s4, "hi", 2, 0, (struct sockaddr *)&v4, len4), 2);
	pfd = (struct pollfd){ .fd = s6, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	assert_int_equal(udp_recv_batch(s6, pool.pkts, 4), 1);
	from = (struct sockaddr_in6 *)&pool.pkts[0].addr;
	assert_int_equal(from->sin6_family, AF_INET6);
	inet_ntop(AF_INET6, &from->sin6_addr, host, sizeof(host));
	assert_string_equal(host, "::ffff:127.0.0.1");
	/* And the mapped address works as a destination. */
	assert_int_equal(udp_send_batch(s6, pool.pkts, 1, NULL), 1);
	pfd = (struct pollfd){ .fd = s4, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	pkt_pool_free(&pool);
	close(s6);
	close(s4);
}

/* Refused datagrams are skipped and counted; the rest still go out. */
static void test_partial_failure(void **state)
{
	struct udp_pair u;
	struct pkt *p;
	unsigned failed = 0;

	(void)state;
	pair_open(&u, "127.0.0.1", "127.0.0.1");
	p = u.tx.pkts;
	for (unsigned i = 0; i < 5; i++)
		fill(&p[i], i < 2 ? 0 : i < 4 ? 1 : 2, &u.b_addr, u.b_len);
	/* Too large for UDP over IPv4. */
	p[1].len = 65600;
	/* An IPv6 destination on an IPv4 socket. */
	memcpy(&p[3].addr, &(struct sockaddr_in6){ .sin6_family = AF_INET6,
						    .sin6_addr = IN6ADDR_LOOPBACK_INIT },
	       sizeof(struct sockaddr_in6));
	p[3].addrlen = sizeof(struct sockaddr_in6);
	assert_int_equal(udp_send_batch(u.a, p, 5, &failed), 3);
	assert_int_equal(failed, 2);
	recv_all(u.b, &u.rx, 3, &u.a_addr, u.a_len);
	pair_close(&u);
}

static void test_empty_and_errors(void **state)
{
	struct udp_pair u;
	struct sockaddr_un_like {
		sa_family_t family;
		char path[16];
	} bad = { AF_UNIX, "x" };
	int size = 0;
	socklen_t len = sizeof(size);

	(void)state;
	pair_open(&u, "127.0.0.1", "::1");
	assert_int_equal(udp_recv_batch(u.a, u.rx.pkts, 4), -EAGAIN);
	assert_int_equal(udp_send_batch(u.a, u.tx.pkts, 0, NULL), 0);
	assert_int_equal(udp_open((struct sockaddr *)&bad, sizeof(bad)), -EAFNOSUPPORT);
	/* Same address and port twice. */
	assert_int_equal(udp_open((struct sockaddr *)&u.a_addr, u.a_len), -EADDRINUSE);
	/* The FORCE options lift the cap when we may (root); else the cap. */
	assert_return_code(getsockopt(u.a, SOL_SOCKET, SO_RCVBUF, &size, &len), errno);
	if (geteuid() == 0)
		assert_true(size >= 4 * 1024 * 1024);
	pair_close(&u);
}

/* ---- GSO / GRO ------------------------------------------------------------ */

/* @n datagrams to @to: 1000 bytes of value i, the last only 300. */
static void fill_run(struct pkt *p, unsigned n, const struct sockaddr_storage *to,
		     socklen_t tolen)
{
	for (unsigned i = 0; i < n; i++) {
		pkt_reset(&p[i]);
		p[i].len = i == n - 1 ? 300 : 1000;
		memset(p[i].data, (int)i + 1, p[i].len);
		memcpy(&p[i].addr, to, tolen);
		p[i].addrlen = tolen;
	}
}

/* Receive exactly the datagrams fill_run made, split or as GRO trains;
 * returns how many pkts they came in. */
static unsigned recv_run(int fd, struct pkt_pool *pool, unsigned n)
{
	unsigned got = 0, msgs = 0;

	while (got < n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r;

		for (unsigned i = 0; i < pool->count; i++)
			pkt_reset(&pool->pkts[i]);
		r = udp_recv_batch(fd, pool->pkts, pool->count);
		if (r == -EAGAIN) {
			assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
			continue;
		}
		assert_true(r > 0);
		for (int i = 0; i < r; i++, msgs++) {
			struct pkt *p = &pool->pkts[i];
			size_t seg = p->gso_size ? p->gso_size : p->len;

			for (size_t off = 0; off < p->len; off += seg, got++) {
				size_t len = p->len - off < seg ? p->len - off : seg;

				assert_true(got < n);
				assert_int_equal(len, got == n - 1 ? 300 : 1000);
				assert_int_equal(p->data[off], (uint8_t)(got + 1));
				assert_int_equal(p->data[off + len - 1], (uint8_t)(got + 1));
			}
		}
	}
	return msgs;
}

/* The TOS / traffic class datagram @fd received next carries (IP_RECVTOS /
 * IPV6_RECVTCLASS on); its payload's first byte in *@tag. */
static int recv_tos(int fd, uint8_t *tag)
{
	uint8_t buf[2048];
	char ctl[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int tos = -1;

	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	assert_true(recvmsg(fd, &mh, 0) > 0);
	*tag = buf[0];
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS))
			tos = *(uint8_t *)CMSG_DATA(c);
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS)
			memcpy(&tos, CMSG_DATA(c), sizeof(tos));
	}
	return tos;
}

/* --passtos: each datagram leaves with its pkt->tos (none: the socket's,
 * 0), plain and in GSO trains, which never mix two TOS values: 3 + 3 + 2
 * datagrams of one size, the middle three with another TOS. */
static void tos_case(const char *ha, const char *hb)
{
	static const uint16_t tos[8] = {
		PKT_TOS_SET | 0xb8, PKT_TOS_SET | 0xb8, PKT_TOS_SET | 0xb8,
		PKT_TOS_SET | 0x20, PKT_TOS_SET | 0x20, PKT_TOS_SET | 0x20,
		0, 0,
	};
	struct udp_pair u;
	int on = 1;

	pair_open(&u, ha, hb);
	(void)setsockopt(u.b, IPPROTO_IP, IP_RECVTOS, &on, sizeof(on));
	(void)setsockopt(u.b, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof(on));
	for (int gso = 0; gso < 2; gso++) {
		bool gso_ok = gso;
		unsigned failed = 9;

		for (unsigned i = 0; i < 8; i++) {
			pkt_reset(&u.tx.pkts[i]);
			u.tx.pkts[i].len = 1000;
			memset(u.tx.pkts[i].data, (int)i, 1000);
			memcpy(&u.tx.pkts[i].addr, &u.b_addr, u.b_len);
			u.tx.pkts[i].addrlen = u.b_len;
			u.tx.pkts[i].tos = tos[i];
		}
		assert_int_equal(udp_send_batch_gso(u.a, u.tx.pkts, 8, &failed,
						    &gso_ok), 8);
		assert_int_equal(failed, 0);
		assert_int_equal(gso_ok, gso);
		for (unsigned i = 0; i < 8; i++) {
			uint8_t tag;

			assert_int_equal(recv_tos(u.b, &tag), tos[i] & 0xff);
			assert_int_equal(tag, i);
		}
	}
	pair_close(&u);
}

static void test_tos(void **state)
{
	(void)state;
	tos_case("127.0.0.1", "127.0.0.1");
	tos_case("::1", "::1");
	/* a dual-stack socket to an IPv4 peer: IP_TOS applies */
	tos_case("::", "::ffff:127.0.0.1");
}

/* A GSO run reaches a GRO socket as one train, a plain socket as datagrams. */
static void test_gso_gro(void **state)
{
	struct udp_pair u;
	unsigned failed = 9;
	bool gso = true;

	(void)state;
	pair_open(&u, "127.0.0.1", "127.0.0.1");
	fill_run(u.tx.pkts, 11, &u.b_addr, u.b_len);
	assert_int_equal(udp_send_batch_gso(u.a, u.tx.pkts, 11, &failed, &gso), 11);
	assert_int_equal(failed, 0);
	assert_true(gso);
	assert_int_equal(recv_run(u.b, &u.rx, 11), 11);

	assert_int_equal(udp_enable_gro(u.b), 0);
	fill_run(u.tx.pkts, 11, &u.b_addr, u.b_len);
	/* Everything goes out on the fd given, whatever ->sock says. */
	u.tx.pkts[0].sock = u.b;
	assert_int_equal(udp_send_batch_gso(u.a, u.tx.pkts, 11, &failed, &gso), 11);
	assert_int_equal(recv_run(u.b, &u.rx, 11), 1);
	assert_int_equal(u.rx.pkts[0].gso_size, 1000);
	assert_int_equal(u.rx.pkts[0].len, 10 * 1000 + 300);
	pair_close(&u);
}

/* Runs break at a change of destination or size; > 64 segments split. */
static void test_gso_runs(void **state)
{
	struct udp_pair u, v;
	struct pkt *p;
	unsigned failed = 0;
	bool gso = true;

	(void)state;
	pair_open(&u, "::1", "::1");
	pair_open(&v, "::1", "::1");
	assert_int_equal(udp_enable_gro(u.b), 0);
	assert_int_equal(udp_enable_gro(v.b), 0);
	p = u.tx.pkts;
	/* 100 to u.b (one run cut at 64), 5 to v.b, 5 more to u.b. */
	fill_run(p, 100, &u.b_addr, u.b_len);
	p[99].len = 1000;
	memset(p[99].data, 100, 1000);
	fill_run(p + 100, 5, &v.b_addr, v.b_len);
	for (unsigned i = 105; i < 110; i++) {
		pkt_reset(&p[i]);
		p[i].len = 1000;
		memset(p[i].data, (int)(i - 105 + 101), 1000);
		memcpy(&p[i].addr, &u.b_addr, u.b_len);
		p[i].addrlen = u.b_len;
	}
	p[109].len = 300;
	assert_int_equal(udp_send_batch_gso(u.a, p, 110, &failed, &gso), 110);
	assert_int_equal(failed, 0);
	/* u.b: 0..63 | 64..99 (chunk boundary at 64 too) | 100..104 as 101..105 */
	assert_int_equal(recv_run(u.b, &u.rx, 105), 3);
	assert_int_equal(recv_run(v.b, &v.rx, 5), 1);
	pair_close(&u);
	pair_close(&v);
}

/* A shorter datagram ends its run: segments after it never shift. */
static void test_gso_short_middle(void **state)
{
	static const uint32_t lens[] = { 1000, 1000, 300, 1000, 1000 };
	struct udp_pair u;
	bool gso = true;
	unsigned got = 0;

	(void)state;
	pair_open(&u, "127.0.0.1", "127.0.0.1");
	assert_int_equal(udp_enable_gro(u.b), 0);
	for (unsigned i = 0; i < 5; i++) {
		fill(&u.tx.pkts[i], i, &u.b_addr, u.b_len);
		u.tx.pkts[i].len = lens[i];
	}
	assert_int_equal(udp_send_batch_gso(u.a, u.tx.pkts, 5, NULL, &gso), 5);
	while (got < 2) {
		struct pollfd pfd = { .fd = u.b, .events = POLLIN };
		struct pkt *p = &u.rx.pkts[0];

		assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
		pkt_reset(p);
		assert_int_equal(udp_recv_batch(u.b, p, 1), 1);
		assert_int_equal(p->gso_size, 1000);
		assert_int_equal(p->len, got == 0 ? 2300 : 2000);
		/* "datagram 3" starts the second train. */
		assert_memory_equal(p->data, got == 0 ? "datagram 0" : "datagram 3", 10);
		got++;
	}
	pair_close(&u);
}

/* A socket that cannot GSO (SO_NO_CHECK: EINVAL): GSO goes off, the batch
 * plain, also when the refused train is not the first message. */
static void test_gso_fallback(void **state)
{
	struct udp_pair u;
	struct pkt *p;
	unsigned failed = 9;
	bool gso = true;
	int on = 1;

	(void)state;
	pair_open(&u, "127.0.0.1", "127.0.0.1");
	p = u.tx.pkts;
	assert_return_code(setsockopt(u.a, SOL_SOCKET, SO_NO_CHECK, &on, sizeof(on)),
			   errno);
	assert_int_equal(udp_enable_gro(u.b), 0);
	fill_run(p, 11, &u.b_addr, u.b_len);
	assert_int_equal(udp_send_batch_gso(u.a, p, 11, &failed, &gso), 11);
	assert_int_equal(failed, 0);
	assert_false(gso);
	assert_int_equal(recv_run(u.b, &u.rx, 11), 11);

	/* A lone datagram goes out first, then the train is refused. */
	fill_run(p + 1, 11, &u.b_addr, u.b_len);
	fill(&p[0], 0, &u.b_addr, u.b_len);
	p[0].len = 1200;
	gso = true;
	assert_int_equal(udp_send_batch_gso(u.a, p, 12, &failed, &gso), 12);
	assert_int_equal(failed, 0);
	assert_false(gso);
	pkt_reset(&u.rx.pkts[0]);
	{
		struct pollfd pfd = { .fd = u.b, .events = POLLIN };

		assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	}
	assert_int_equal(udp_recv_batch(u.b, u.rx.pkts, 1), 1);
	assert_int_equal(u.rx.pkts[0].len, 1200);
	assert_int_equal(recv_run(u.b, &u.rx, 11), 11);

	/* gso NULL or false: plain batches. */
	fill_run(p, 11, &u.b_addr, u.b_len);
	assert_int_equal(udp_send_batch_gso(u.a, p, 11, NULL, NULL), 11);
	assert_int_equal(recv_run(u.b, &u.rx, 11), 11);
	pair_close(&u);
}

/* UDP-Lite cannot GSO at all (EIO): fall back and switch GSO off. */
static void test_gso_unavailable(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	struct pkt_pool pool, rx;
	unsigned failed = 9;
	bool gso = true;
	int a, b;

	(void)state;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDPLITE);
	b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDPLITE);
	if (a < 0 || b < 0)
		skip();
	assert_return_code(bind(b, (struct sockaddr *)&sin, len), errno);
	assert_return_code(getsockname(b, (struct sockaddr *)&sin, &len), errno);
	assert_int_equal(pkt_pool_init(&pool, 11), 0);
	assert_int_equal(pkt_pool_init(&rx, 16), 0);
	fill_run(pool.pkts, 11, (struct sockaddr_storage *)&sin, len);
	assert_int_equal(udp_send_batch_gso(a, pool.pkts, 11, &failed, &gso), 11);
	assert_int_equal(failed, 0);
	assert_false(gso);
	assert_int_equal(recv_run(b, &rx, 11), 11);
	pkt_pool_free(&pool);
	pkt_pool_free(&rx);
	close(a);
	close(b);
}

/* A GRO train larger than the buffer loses only its partial tail. */
static void test_gro_truncated(void **state)
{
	struct udp_pair u;
	struct pkt_pool small;
	bool gso = true;

	(void)state;
	pair_open(&u, "127.0.0.1", "127.0.0.1");
	assert_int_equal(udp_enable_gro(u.b), 0);
	fill_run(u.tx.pkts, 11, &u.b_addr, u.b_len);
	assert_int_equal(udp_send_batch_gso(u.a, u.tx.pkts, 11, NULL, &gso), 11);
	assert_int_equal(pkt_pool_init(&small, 1), 0);
	/* Pretend a 4.5-datagram buffer. */
	small.pkts[0].cap = PKT_HEADROOM + 4500;
	{
		struct pollfd pfd = { .fd = u.b, .events = POLLIN };

		assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	}
	assert_int_equal(udp_recv_batch(u.b, small.pkts, 1), 1);
	assert_int_equal(small.pkts[0].gso_size, 1000);
	assert_int_equal(small.pkts[0].len, 4000);
	pkt_pool_free(&small);
	pair_close(&u);
}

/* ---- --multihome: the address a datagram came to, the source of a reply */

/* Wait for one datagram on @fd and return the host it came from. */
static void recv_from_host(int fd, char *host, size_t hlen)
{
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[4096];

	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	assert_true(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &flen) > 0);
	assert_int_equal(from.ss_family, AF_INET);
	inet_ntop(AF_INET, &((struct sockaddr_in *)&from)->sin_addr, host, hlen);
}

/*
 * A wildcard server socket @srv_host asking for destination addresses; a
 * client on 127.0.0.1 sends to 127.0.0.2 (loopback owns 127/8). The
 * datagram says where it came to (@want_local), and replies sent from
 * that local address, plain, as a GSO train and one by one, come from
 * 127.0.0.2; without it, from the route's 127.0.0.1; from an address
 * that is not ours, from the route's too rather than not at all.
 */
static void multihome_roundtrip(const char *srv_host, const char *want_local)
{
	struct sockaddr_storage sa, ca, to;
	socklen_t slen, clen;
	struct pkt_pool pool;
	struct pkt_local local, gone = { .family = AF_INET };
	char host[INET6_ADDRSTRLEN];
	struct pollfd pfd;
	bool gso = true;
	int srv, cli;

	srv = open_on(srv_host, &sa, &slen);
	cli = open_on("127.0.0.1", &ca, &clen);
	assert_int_equal(udp_want_local(srv, sa.ss_family), 0);
	assert_int_equal(pkt_pool_init(&pool, 4), 0);
	memset(&to, 0, sizeof(to));
	((struct sockaddr_in *)&to)->sin_family = AF_INET;
	((struct sockaddr_in *)&to)->sin_port = sa.ss_family == AF_INET6 ?
		((struct sockaddr_in6 *)&sa)->sin6_port :
		((struct sockaddr_in *)&sa)->sin_port;
	inet_pton(AF_INET, "127.0.0.2", &((struct sockaddr_in *)&to)->sin_addr);
	assert_int_equal(sendto(cli, "hi", 2, 0, (struct sockaddr *)&to,
				sizeof(struct sockaddr_in)), 2);
	pfd = (struct pollfd){ .fd = srv, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	for (unsigned i = 0; i < pool.count; i++)
		pkt_reset(&pool.pkts[i]);
	assert_int_equal(udp_recv_batch(srv, pool.pkts, 4), 1);
	local = pool.pkts[0].local;
	assert_int_equal(local.family, sa.ss_family);
	inet_ntop(local.family, &local.addr, host, sizeof(host));
	assert_string_equal(host, want_local);

	/* plain: the received packet echoed back, its local kept; with a
	 * --passtos TOS as well (the source goes after its cmsgs) */
	assert_int_equal(udp_send_batch(srv, pool.pkts, 1, NULL), 1);
	recv_from_host(cli, host, sizeof(host));
	assert_string_equal(host, "127.0.0.2");
	pool.pkts[0].tos = PKT_TOS_SET | 0xb8;
	assert_int_equal(udp_send_batch(srv, pool.pkts, 1, NULL), 1);
	recv_from_host(cli, host, sizeof(host));
	assert_string_equal(host, "127.0.0.2");
	/* a GSO train of three shares the source */
	for (unsigned i = 1; i < 4; i++) {
		struct pkt *p = &pool.pkts[i];

		pkt_reset(p);
		memset(p->data, 'x', 100);
		p->len = 100;
		p->addr = pool.pkts[0].addr;
		p->addrlen = pool.pkts[0].addrlen;
		p->local = local;
	}
	assert_int_equal(udp_send_batch_gso(srv, pool.pkts + 1, 3, NULL, &gso), 3);
	for (unsigned i = 0; i < 3; i++) {
		recv_from_host(cli, host, sizeof(host));
		assert_string_equal(host, "127.0.0.2");
	}
	/* one control packet, with and without the source */
	assert_int_equal(udp_send_from(srv, (const uint8_t *)"c", 1,
				       (struct sockaddr *)&pool.pkts[0].addr,
				       pool.pkts[0].addrlen, &local), 0);
	recv_from_host(cli, host, sizeof(host));
	assert_string_equal(host, "127.0.0.2");
	assert_int_equal(udp_send_from(srv, (const uint8_t *)"c", 1,
				       (struct sockaddr *)&pool.pkts[0].addr,
				       pool.pkts[0].addrlen, NULL), 0);
	recv_from_host(cli, host, sizeof(host));
	assert_string_equal(host, "127.0.0.1");
	/* a source that is not (any more) ours: the route's instead */
	if (local.family == AF_INET6) {
		gone.family = AF_INET6;
		inet_pton(AF_INET6, "::ffff:198.18.255.1", &gone.addr.v6);
	} else {
		inet_pton(AF_INET, "198.18.255.1", &gone.addr.v4);
	}
	pool.pkts[0].local = gone;
	assert_int_equal(udp_send_batch(srv, pool.pkts, 1, NULL), 1);
	recv_from_host(cli, host, sizeof(host));
	assert_string_equal(host, "127.0.0.1");
	pool.pkts[0].tos = 0;	/* the same without the TOS cmsgs before it */
	assert_int_equal(udp_send_batch(srv, pool.pkts, 1, NULL), 1);
	recv_from_host(cli, host, sizeof(host));
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(udp_send_from(srv, (const uint8_t *)"c", 1,
				       (struct sockaddr *)&pool.pkts[0].addr,
				       pool.pkts[0].addrlen, &gone), 0);
	recv_from_host(cli, host, sizeof(host));
	assert_string_equal(host, "127.0.0.1");
	pkt_pool_free(&pool);
	close(srv);
	close(cli);
}

static void test_multihome_v4(void **state)
{
	(void)state;
	multihome_roundtrip("0.0.0.0", "127.0.0.2");
}

/* A dual-stack socket's IPv4 client: IPV6_PKTINFO, v4-mapped. */
static void test_multihome_dual_stack(void **state)
{
	(void)state;
	multihome_roundtrip("::", "::ffff:127.0.0.2");
}

/* A socket not asked reports no local address (the hot path as before). */
static void test_multihome_off(void **state)
{
	struct udp_pair u;

	(void)state;
	pair_open(&u, "127.0.0.1", "127.0.0.1");
	fill(&u.tx.pkts[0], 0, &u.b_addr, u.b_len);
	assert_int_equal(udp_send_batch(u.a, u.tx.pkts, 1, NULL), 1);
	recv_all(u.b, &u.rx, 1, &u.a_addr, u.a_len);
	assert_int_equal(u.rx.pkts[0].local.family, 0);
	pair_close(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_batches),
		cmocka_unit_test(test_v6_batches),
		cmocka_unit_test(test_large_batch),
		cmocka_unit_test(test_dual_stack),
		cmocka_unit_test(test_partial_failure),
		cmocka_unit_test(test_empty_and_errors),
		cmocka_unit_test(test_gso_gro),
		cmocka_unit_test(test_tos),
		cmocka_unit_test(test_gso_runs),
		cmocka_unit_test(test_gso_short_middle),
		cmocka_unit_test(test_gso_fallback),
		cmocka_unit_test(test_gso_unavailable),
		cmocka_unit_test(test_gro_truncated),
		cmocka_unit_test(test_multihome_v4),
		cmocka_unit_test(test_multihome_dual_stack),
		cmocka_unit_test(test_multihome_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
