/* The free-id queue (base/idq.c): ids in order at first, returned ones
 * reused last, never one id twice, against a plain table of who is taken. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "base/idq.h"

static void test_order(void **state)
{
	struct idq q;

	(void)state;
	assert_int_equal(idq_init(&q, 4), 0);
	assert_int_equal(idq_take(&q), 0);
	assert_int_equal(idq_take(&q), 1);
	assert_int_equal(idq_take(&q), 2);
	idq_put(&q, 1);
	assert_int_equal(idq_take(&q), 3);   /* the never-used one first */
	assert_int_equal(idq_take(&q), 1);
	assert_int_equal(idq_take(&q), -1);  /* all taken */
	assert_int_equal(idq_count(&q), 0);
	idq_put(&q, 2);
	idq_put(&q, 0);
	assert_int_equal(idq_count(&q), 2);
	assert_int_equal(idq_take(&q), 2);
	assert_int_equal(idq_take(&q), 0);
	idq_free(&q);
	assert_int_equal(idq_init(&q, 0), -EINVAL);
}

/* Random takes and returns: an id is never handed out while taken, and
 * take fails exactly when every id is out. */
static void test_random(void **state)
{
	enum { N = 300 };
	bool taken[N] = { false };
	uint32_t out[N], n_out = 0;
	unsigned seed = 7;
	struct idq q;

	(void)state;
	assert_int_equal(idq_init(&q, N), 0);
	for (unsigned round = 0; round < 100000; round++) {
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 3 && n_out < N) {
			int64_t id = idq_take(&q);

			assert_true(id >= 0 && id < N);
			assert_false(taken[id]);
			taken[id] = true;
			out[n_out++] = (uint32_t)id;
		} else if (n_out) {
			uint32_t k = (seed >> 8) % n_out;

			taken[out[k]] = false;
			idq_put(&q, out[k]);
			out[k] = out[--n_out];
		} else {
			assert_int_equal(idq_count(&q), N);
		}
		if (n_out == N)
			assert_int_equal(idq_take(&q), -1);
		assert_int_equal(idq_count(&q), N - n_out);
	}
	idq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
