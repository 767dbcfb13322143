/* The control thread's event loop: fd callbacks, the deadline, signals. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
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

static void test_full(void **state)
{
	struct loop l;
	int p[2];

	(void)state;
	assert_int_equal(loop_init(&l), 0);
	assert_int_equal(pipe(p), 0);
	for (unsigned i = 0; i < LOOP_MAX_WATCHES; i++) {
		int fd = dup(p[0]);

		assert_int_equal(loop_add(&l, fd, EPOLLIN, on_read, NULL), 0);
	}
	assert_int_equal(loop_add(&l, p[0], EPOLLIN, on_read, NULL), -ENOSPC);
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
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_signals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
