/* The script runner (daemon/scriptrun.c): exit status, exactly the given
 * environment, no blocked signal in the child, a program that cannot be
 * executed ending with 127 from the loop, the timeout's kill. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "base/clock.h"
#include "daemon/scriptrun.h"
#include "ev/loop.h"

struct done {
	int n;
	int result;
};

static void on_done(void *ctx, int result)
{
	struct done *d = ctx;

	d->n++;
	d->result = result;
}

/* Run the loop until @d was called (bounded: 10 s). */
static void run_until(struct loop *l, struct scriptrun *r, struct done *d)
{
	uint64_t end = clock_now_ms() + 10000u;

	while (!d->n && clock_now_ms() < end) {
		uint64_t next = scriptrun_tick(r, clock_now_ms());

		assert_int_equal(loop_wait(l, next < end ? next : end), 0);
	}
	assert_int_equal(d->n, 1);
}

/* @sh_cmd through /bin/sh -c, with @env: its result. */
static int run_sh(const char *sh_cmd, char *const *env, unsigned timeout_ms)
{
	const char *extra[] = { "-c", sh_cmd, NULL };
	struct done d = { 0 };
	struct scriptrun r;
	struct loop l;

	assert_int_equal(loop_init(&l), 0);
	scriptrun_init(&r, &l);
	r.timeout_ms = timeout_ms;
	assert_int_equal(scriptrun_start(&r, "test", "/bin/sh", extra, env,
					 on_done, &d, NULL), 0);
	run_until(&l, &r, &d);
	scriptrun_free(&r);
	loop_free(&l);
	return d.result;
}

static void test_status(void **state)
{
	char *env[] = { NULL };

	(void)state;
	assert_int_equal(run_sh("exit 0", env, 5000), 0);
	assert_int_equal(run_sh("exit 3", env, 5000), 3);
	assert_int_equal(run_sh("kill -KILL $$", env, 5000), -ECHILD);
}

/* Only the variables given (OpenVPN's env_set), none of ours. */
static void test_exact_env(void **state)
{
	char *env[] = { "common_name=x y", "A=1", NULL };

	(void)state;
	setenv("SCRIPTRUN_LEAK", "1", 1);
	assert_int_equal(run_sh("[ \"$common_name\" = 'x y' ] && [ \"$A\" = 1 ] "
				"&& [ -z \"$SCRIPTRUN_LEAK\" ]", env, 5000), 0);
}

/* The loop blocks its signals; a script must not inherit that. */
static void test_no_blocked_signal(void **state)
{
	char *env[] = { NULL };

	(void)state;
	assert_int_equal(run_sh("grep -q '^SigBlk:[[:space:]]*0*$' "
				"/proc/self/status", env, 5000), 0);
}

static void test_timeout_kills(void **state)
{
	char *env[] = { NULL };
	uint64_t t0 = clock_now_ms();

	(void)state;
	assert_int_equal(run_sh("sleep 30", env, 300), -ETIMEDOUT);
	assert_true(clock_now_ms() - t0 < 5000u);
}

/* Not executable: status 127 as from a shell, from the loop (and the same
 * from the synchronous run). */
static void test_not_executable(void **state)
{
	char *env[] = { NULL };
	struct done d = { 0 };
	struct scriptrun r;
	struct loop l;

	(void)state;
	assert_int_equal(loop_init(&l), 0);
	scriptrun_init(&r, &l);
	assert_int_equal(scriptrun_start(&r, "test", "/nonexistent/script",
					 NULL, env, on_done, &d, NULL), 0);
	assert_int_equal(d.n, 0);
	run_until(&l, &r, &d);
	assert_int_equal(d.result, 127);
	scriptrun_free(&r);
	loop_free(&l);
	assert_int_equal(scriptrun_wait("test", "/nonexistent/script", NULL,
					env, 1000), 127);
}

/* A lane runs its jobs in order, one not executable among them. */
static void test_lane_order(void **state)
{
	char *env[] = { NULL };
	const char *a[] = { "-c", "exit 5", NULL };
	struct done d1 = { 0 }, d2 = { 0 }, d3 = { 0 };
	struct scriptrun r;
	struct loop l;

	(void)state;
	assert_int_equal(loop_init(&l), 0);
	scriptrun_init(&r, &l);
	assert_int_equal(scriptrun_queue(&r, 1, "t", "/bin/sh", a, env,
					 on_done, &d1, NULL), 0);
	assert_int_equal(scriptrun_queue(&r, 1, "t", "/nonexistent/x", NULL,
					 env, on_done, &d2, NULL), 0);
	assert_int_equal(scriptrun_queue(&r, 1, "t", "/bin/sh", a, env,
					 on_done, &d3, NULL), 0);
	run_until(&l, &r, &d3);
	assert_int_equal(d1.n, 1);
	assert_int_equal(d1.result, 5);
	assert_int_equal(d2.n, 1);
	assert_int_equal(d2.result, 127);
	assert_int_equal(d3.result, 5);
	scriptrun_free(&r);
	loop_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_exact_env),
		cmocka_unit_test(test_no_blocked_signal),
		cmocka_unit_test(test_timeout_kills),
		cmocka_unit_test(test_not_executable),
		cmocka_unit_test(test_lane_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
