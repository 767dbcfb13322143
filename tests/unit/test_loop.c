/* The control thread's event loop: fd callbacks, the deadline, signals. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "base/fdlimit.h"
#include "ev/loop.h"

struct hits {
	int fd;
	unsigned n;
};

static void on_read(void *ctx, uint32_t events)
{
	struct hits *h = ctx;
	char c;

	assert_true(events & EPOLLIN);
	assert_int_equal(read(h->fd, &c, 1), 1);
	h->n++;
}

static void test_fd_and_deadline(void **state)
{
	struct loop l;
	struct hits h = { 0 };
	int p[2];
	uint64_t t0;

	(void)state;
	assert_int_equal(loop_init(&l), 0);
	assert_int_equal(pipe(p), 0);
	h.fd = p[0];
	assert_int_equal(loop_add(&l, p[0], EPOLLIN, on_read, &h), 0);
	/* Nothing ready: returns at the deadline, not before. */
	t0 = clock_now_ms();
	assert_int_equal(loop_wait(&l, t0 + 50), 0);
	assert_true(clock_now_ms() >= t0 + 49);
	assert_int_equal(h.n, 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_wait(&l, clock_now_ms() + 1000), 0);
	assert_int_equal(h.n, 1);
	/* Removed: no more callbacks. */
	loop_del(&l, p[0]);
	assert_int_equal(write(p[1], "y", 1), 1);
	assert_int_equal(loop_wait(&l, clock_now_ms() + 20), 0);
	assert_int_equal(h.n, 1);
	close(p[0]);
	close(p[1]);
	loop_free(&l);
}

/* Counts its callbacks and stops watching its fd at the first one. */
struct once {
	struct loop *l;
	int fd;
	unsigned n;
};

static void on_once(void *ctx, uint32_t events)
{
	struct once *o = ctx;

	assert_true(events & EPOLLIN);
	o->n++;
	loop_del(o->l, o->fd);
}

/* @n watches on dups of one pipe's read end, all ready at once: every
 * callback runs exactly once, across as many passes as it takes. */
static void watch_many(unsigned n)
{
	struct loop l;
	struct once *o = calloc(n, sizeof(*o));
	unsigned passes = 0, total;
	int p[2];

	assert_non_null(o);
	assert_int_equal(loop_init(&l), 0);
	assert_int_equal(pipe(p), 0);
	for (unsigned i = 0; i < n; i++) {
		o[i].l = &l;
		o[i].fd = dup(p[0]);
		assert_true(o[i].fd >= 0);
		assert_int_equal(loop_add(&l, o[i].fd, EPOLLIN, on_once, &o[i]), 0);
	}
	assert_int_equal(loop_count(&l), n);
	/* the same fd twice is refused, not a second slot */
	assert_int_equal(loop_add(&l, o[0].fd, EPOLLIN, on_once, &o[0]), -EEXIST);
	assert_int_equal(write(p[1], "x", 1), 1);
	do {
		assert_int_equal(loop_wait(&l, clock_now_ms() + 1000), 0);
		total = 0;
		for (unsigned i = 0; i < n; i++)
			total += o[i].n;
	} while (total < n && ++passes < n / LOOP_BATCH + 10u);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(o[i].n, 1);
		close(o[i].fd);
	}
	assert_int_equal(loop_count(&l), 0);
	close(p[0]);
	close(p[1]);
	loop_free(&l);
	free(o);
}

/* The old table held 64: one more, and a few hundred. */
static void test_beyond_64(void **state)
{
	(void)state;
	watch_many(65);
	watch_many(300);
}

/* Thousands, as a server under a TCP flood holds. */
static void test_thousands(void **state)
{
	long lim = fdlimit_raise();
	unsigned n = 10000;

	(void)state;
	if (lim > 0 && (unsigned long)lim < n + 64u)
		n = (unsigned)lim - 64u;
	assert_true(n > 900);   /* even the usual soft limit 1024 allows that */
	watch_many(n);
}

struct pair {
	struct loop *l;
	int fd[2];
	unsigned hits[2], fresh;
};

static void on_fresh(void *ctx, uint32_t events)
{
	struct pair *pr = ctx;

	(void)events;
	pr->fresh++;
}

/* Whichever of the two fires first closes the other's fd and watches a new
 * fd with the same number: the other's event, fetched in the same pass,
 * must not reach the new watch. */
static void on_pair(struct pair *pr, int me)
{
	int other = pr->fd[1 - me], p[2];

	pr->hits[me]++;
	loop_del(pr->l, pr->fd[me]);
	if (pr->hits[1 - me])
		return;
	/* the pipe first, so that it cannot take the number itself */
	assert_int_equal(pipe(p), 0);
	loop_del(pr->l, other);
	assert_int_equal(dup2(p[0], other), other);
	close(p[0]);
	assert_int_equal(write(p[1], "z", 1), 1);
	close(p[1]);
	assert_int_equal(loop_add(pr->l, other, EPOLLIN, on_fresh, pr), 0);
}

static void on_pair0(void *ctx, uint32_t events)
{
	(void)events;
	on_pair(ctx, 0);
}

static void on_pair1(void *ctx, uint32_t events)
{
	(void)events;
	on_pair(ctx, 1);
}

static void test_stale_event(void **state)
{
	struct loop l;
	struct pair pr = { .l = &l };
	int p[2];

	(void)state;
	assert_int_equal(loop_init(&l), 0);
	assert_int_equal(pipe(p), 0);
	pr.fd[0] = dup(p[0]);
	pr.fd[1] = dup(p[0]);
	assert_int_equal(loop_add(&l, pr.fd[0], EPOLLIN, on_pair0, &pr), 0);
	assert_int_equal(loop_add(&l, pr.fd[1], EPOLLIN, on_pair1, &pr), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_wait(&l, clock_now_ms() + 1000), 0);
	assert_int_equal(pr.hits[0] + pr.hits[1], 1);
	assert_int_equal(pr.fresh, 0);
	/* the new watch is live: it fires on the next pass */
	assert_int_equal(loop_wait(&l, clock_now_ms() + 1000), 0);
	assert_int_equal(pr.fresh, 1);
	assert_int_equal(loop_count(&l), 1);
	close(pr.fd[0]);
	close(pr.fd[1]);
	close(p[0]);
	close(p[1]);
	loop_free(&l);
}

static void test_signals(void **state)
{
	struct loop l;

	(void)state;
	assert_int_equal(loop_init(&l), 0);
	assert_int_equal(loop_take_signal(&l), 0);
	/* Blocked by loop_init, so it waits in the signalfd. */
	raise(SIGUSR1);
	assert_int_equal(loop_wait(&l, clock_now_ms() + 1000), 0);
	assert_int_equal(loop_take_signal(&l), SIGUSR1);
	assert_int_equal(loop_take_signal(&l), 0);
	/* A stop request is not overridden by a restart arriving with it. */
	raise(SIGTERM);
	raise(SIGUSR1);
	assert_int_equal(loop_wait(&l, clock_now_ms() + 1000), 0);
	assert_int_equal(loop_take_signal(&l), SIGTERM);
	loop_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fd_and_deadline),
		cmocka_unit_test(test_beyond_64),
		cmocka_unit_test(test_thousands),
		cmocka_unit_test(test_stale_event),
		cmocka_unit_test(test_signals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
