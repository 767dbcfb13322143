/* TCP connections waiting for their first frame: limits, eviction order,
 * time-out, the first frame handed over, accept() out of descriptors. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "ev/loop.h"
#include "io/tcp_pending.h"

#define NPEER 80

struct fixture {
	struct loop l;
	struct tcp_pending tp;
	int peer[NPEER];           /* our end of each pending connection */
	int refuse;                /* the callback's answer */
	unsigned frames;
	size_t last_len;
	uint8_t last[64];
	int taken_fd;
};

static int on_first(void *ctx, int fd, const struct sockaddr_storage *a,
		    socklen_t alen, uint8_t *frame, size_t len)
{
	struct fixture *f = ctx;

	(void)a;
	(void)alen;
	f->frames++;
	f->last_len = len;
	memcpy(f->last, frame, len < sizeof(f->last) ? len : sizeof(f->last));
	if (f->refuse)
		return -1;
	f->taken_fd = fd;
	return 0;
}

static struct fixture *setup(unsigned total, unsigned per_src)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct tcp_pending_limits lim = {
		.max_total = total, .max_per_src = per_src,
		.timeout_ms = 1000, .frame_max = 32,
	};

	assert_non_null(f);
	assert_int_equal(loop_init(&f->l), 0);
	tcp_pending_init(&f->tp, &f->l, &lim, on_first, f);
	f->taken_fd = -1;
	for (unsigned i = 0; i < NPEER; i++)
		f->peer[i] = -1;
	return f;
}

static void teardown(struct fixture *f)
{
	tcp_pending_free(&f->tp);
	assert_int_equal(tcp_pending_count(&f->tp), 0);
	for (unsigned i = 0; i < NPEER; i++)
		if (f->peer[i] >= 0)
			close(f->peer[i]);
	if (f->taken_fd >= 0)
		close(f->taken_fd);
	loop_free(&f->l);
	free(f);
}

static struct sockaddr_storage v4(const char *ip)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a = (void *)&ss;

	a->sin_family = AF_INET;
	a->sin_port = htons(40000);
	assert_int_equal(inet_pton(AF_INET, ip, &a->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage v6(const char *ip)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *a = (void *)&ss;

	a->sin6_family = AF_INET6;
	a->sin6_port = htons(40000);
	assert_int_equal(inet_pton(AF_INET6, ip, &a->sin6_addr), 1);
	return ss;
}

/* A connection from @a as pending number @i (a socket pair stands for it). */
static void add(struct fixture *f, unsigned i, struct sockaddr_storage a,
		uint64_t now)
{
	int sp[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp), 0);
	f->peer[i] = sp[0];
	assert_int_equal(tcp_pending_add(&f->tp, sp[1], &a,
					 a.ss_family == AF_INET ?
					 sizeof(struct sockaddr_in) :
					 sizeof(struct sockaddr_in6), now), 0);
}

/* Has the server side of pending number @i been closed? */
static bool closed(const struct fixture *f, unsigned i)
{
	char c;

	return recv(f->peer[i], &c, 1, MSG_DONTWAIT) == 0;
}

static void test_per_source(void **state)
{
	struct fixture *f = setup(100, 3);

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		add(f, i, v4("198.18.0.1"), 0);
	add(f, 3, v4("198.18.0.2"), 0);
	/* a fourth from .1: its oldest goes, the others stay */
	add(f, 4, v4("198.18.0.1"), 0);
	assert_true(closed(f, 0));
	assert_false(closed(f, 1));
	assert_false(closed(f, 3));
	assert_int_equal(tcp_pending_count(&f->tp), 4);
	add(f, 5, v4("198.18.0.1"), 0);
	assert_true(closed(f, 1));
	assert_int_equal(f->tp.st.evicted_src, 2);
	assert_int_equal(f->tp.st.evicted_total, 0);
	teardown(f);
}

/* IPv6 counts by /64; an IPv4-mapped address is one IPv4 source. */
static void test_v6_sources(void **state)
{
	struct fixture *f = setup(100, 2);

	(void)state;
	add(f, 0, v6("fd00:1:2:3::1"), 0);
	add(f, 1, v6("fd00:1:2:3:ffff::2"), 0);
	add(f, 2, v6("fd00:1:2:4::1"), 0);
	add(f, 3, v6("fd00:1:2:3::9"), 0);      /* the /64's third */
	assert_true(closed(f, 0));
	assert_false(closed(f, 2));
	add(f, 4, v6("::ffff:198.18.0.1"), 0);
	add(f, 5, v6("::ffff:198.18.0.2"), 0);
	add(f, 6, v6("::ffff:198.18.0.3"), 0);
	assert_false(closed(f, 4));
	assert_int_equal(f->tp.st.evicted_src, 1);
	assert_int_equal(tcp_pending_count(&f->tp), 6);
	teardown(f);
}

static void test_total(void **state)
{
	struct fixture *f = setup(4, 3);
	char ip[32];

	(void)state;
	for (unsigned i = 0; i < 10; i++) {
		snprintf(ip, sizeof(ip), "198.18.1.%u", i + 1);
		add(f, i, v4(ip), i);
		assert_true(tcp_pending_count(&f->tp) <= 4);
	}
	/* the six oldest went, in order */
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(closed(f, i), i < 6);
	assert_int_equal(f->tp.st.evicted_total, 6);
	teardown(f);
}

static void test_timeout(void **state)
{
	struct fixture *f = setup(10, 10);

	(void)state;
	add(f, 0, v4("198.18.0.1"), 100);
	add(f, 1, v4("198.18.0.1"), 600);
	assert_int_equal(tcp_pending_tick(&f->tp, 200), 1100);
	assert_int_equal(tcp_pending_tick(&f->tp, 1100), 1600);
	assert_true(closed(f, 0));
	assert_false(closed(f, 1));
	assert_int_equal(tcp_pending_tick(&f->tp, 1600), LOOP_NO_DEADLINE);
	assert_true(closed(f, 1));
	assert_int_equal(f->tp.st.timed_out, 2);
	assert_int_equal(tcp_pending_count(&f->tp), 0);
	teardown(f);
}

static void run(struct fixture *f)
{
	assert_int_equal(loop_wait(&f->l, clock_now_ms() + 200), 0);
}

/* The first frame, dribbled a byte at a time, reaches the callback whole;
 * what follows it is not read. */
static void test_first_frame(void **state)
{
	struct fixture *f = setup(10, 10);
	static const uint8_t msg[] = { 0, 5, 'h', 'e', 'l', 'l', 'o', 'X' };
	char c;

	(void)state;
	add(f, 0, v4("198.18.0.1"), clock_now_ms());
	for (size_t i = 0; i < sizeof(msg) - 1; i++) {
		assert_int_equal(f->frames, 0);
		assert_int_equal(send(f->peer[0], &msg[i], 1, 0), 1);
		run(f);
	}
	assert_int_equal(send(f->peer[0], "X", 1, 0), 1);
	run(f);
	assert_int_equal(f->frames, 1);
	assert_int_equal(f->last_len, 5);
	assert_memory_equal(f->last, "hello", 5);
	assert_int_equal(tcp_pending_count(&f->tp), 0);
	assert_int_equal(f->tp.st.handed, 1);
	/* the callback has the descriptor, open, the next byte unread */
	assert_int_equal(recv(f->taken_fd, &c, 1, 0), 1);
	assert_int_equal(c, 'X');
	teardown(f);
}

/* Refused by the callback, a bad length, or the peer leaving: closed. */
static void test_refused(void **state)
{
	struct fixture *f = setup(10, 10);
	static const uint8_t ok[] = { 0, 1, 'a' }, zero[] = { 0, 0 },
			     big[] = { 0, 33 };

	(void)state;
	f->refuse = 1;
	add(f, 0, v4("198.18.0.1"), clock_now_ms());
	add(f, 1, v4("198.18.0.2"), clock_now_ms());
	add(f, 2, v4("198.18.0.3"), clock_now_ms());
	add(f, 3, v4("198.18.0.4"), clock_now_ms());
	assert_int_equal(send(f->peer[0], ok, sizeof(ok), 0), 3);
	assert_int_equal(send(f->peer[1], zero, sizeof(zero), 0), 2);
	assert_int_equal(send(f->peer[2], big, sizeof(big), 0), 2);
	assert_int_equal(send(f->peer[3], big, 1, 0), 1);
	shutdown(f->peer[3], SHUT_WR);
	run(f);
	run(f);
	assert_int_equal(f->frames, 1);
	for (unsigned i = 0; i < 4; i++)
		assert_true(closed(f, i));
	assert_int_equal(f->tp.st.refused, 3);
	assert_int_equal(f->tp.st.closed, 1);
	assert_int_equal(tcp_pending_count(&f->tp), 0);
	teardown(f);
}

static int listener(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)a, sizeof(*a)), 0);
	assert_int_equal(listen(fd, 64), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)a, &len), 0);
	return fd;
}

/* How many more descriptors can be opened now (at most 16). */
static unsigned free_fds(void)
{
	int fds[16];
	unsigned n = 0;

	while (n < 16 && (fds[n] = dup(0)) >= 0)
		n++;
	for (unsigned i = 0; i < n; i++)
		close(fds[i]);
	return n;
}

/* Accepting with too few descriptors: the oldest waiting connections make
 * room for the newer ones; the loop does not spin. */
static void test_accept_out_of_fds(void **state)
{
	struct fixture *f = setup(100, 100);
	struct sockaddr_in a;
	int lfd = listener(&a);
	struct rlimit was, r;
	unsigned room;
	int probe;

	(void)state;
	assert_int_equal(tcp_pending_listen(&f->tp, lfd), 0);
	for (unsigned i = 0; i < 8; i++) {
		f->peer[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(connect(f->peer[i], (struct sockaddr *)&a,
					 sizeof(a)), 0);
	}
	/* room for three more descriptors */
	probe = dup(0);
	assert_true(probe >= 0);
	close(probe);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &was), 0);
	r = was;
	r.rlim_cur = (rlim_t)probe + 3;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &r), 0);
	room = free_fds();
	assert_true(room >= 1 && room <= 3);
	for (unsigned i = 0; i < 4; i++)
		run(f);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &was), 0);
	assert_int_equal(f->tp.st.accepted, 8);
	assert_int_equal(f->tp.st.evicted_fds, 8 - room);
	assert_int_equal(tcp_pending_count(&f->tp), room);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(closed(f, i), i < 8 - room);
	teardown(f);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_source),
		cmocka_unit_test(test_v6_sources),
		cmocka_unit_test(test_total),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_first_frame),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_accept_out_of_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
