/* The due-time heap (ev/dueheap.c): order, moves both ways, removal from
 * any place, against a plain scan of the same due times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ev/dueheap.h"

#define N 200

/* The earliest due time of the queued nodes, by a scan. */
static uint64_t scan_min(const struct due_node *nodes, unsigned n)
{
	uint64_t m = UINT64_MAX;

	for (unsigned i = 0; i < n; i++)
		if (due_node_queued(&nodes[i]) && nodes[i].due < m)
			m = nodes[i].due;
	return m;
}

static void check_heap(const struct dueheap *h)
{
	for (uint32_t i = 0; i < h->n; i++) {
		assert_int_equal(h->v[i]->idx, i);
		if (i)
			assert_true(h->v[(i - 1) / 2]->due <= h->v[i]->due);
	}
}

static void test_random_ops(void **state)
{
	struct due_node nodes[N];
	struct dueheap h;
	unsigned seed = 1;

	(void)state;
	assert_int_equal(dueheap_init(&h, N), 0);
	for (unsigned i = 0; i < N; i++)
		due_node_init(&nodes[i]);
	assert_null(dueheap_first(&h));
	assert_true(dueheap_next(&h) == UINT64_MAX);
	for (unsigned step = 0; step < 20000; step++) {
		struct due_node *nd = &nodes[rand_r(&seed) % N];
		uint64_t due = (uint64_t)(rand_r(&seed) % 1000);

		switch (rand_r(&seed) % 4) {
		case 0:
		case 1:
			dueheap_set(&h, nd, due);
			assert_true(nd->due == due);
			break;
		case 2:
			if (due_node_queued(nd) && nd->due <= due) {
				dueheap_lower(&h, nd, due);
				assert_true(nd->due <= due);
			} else {
				dueheap_lower(&h, nd, due);
				assert_true(nd->due == due);
			}
			break;
		default:
			dueheap_del(&h, nd);
			assert_false(due_node_queued(nd));
			break;
		}
		check_heap(&h);
		assert_true(dueheap_next(&h) == scan_min(nodes, N));
	}
	dueheap_free(&h);
	for (unsigned i = 0; i < N; i++)
		assert_false(due_node_queued(&nodes[i]));
}

/* Taking the first one each time gives the due times in order. */
static void test_drain_in_order(void **state)
{
	struct due_node nodes[N];
	struct dueheap h;
	uint64_t last = 0;
	unsigned seed = 7;

	(void)state;
	assert_int_equal(dueheap_init(&h, N), 0);
	for (unsigned i = 0; i < N; i++) {
		due_node_init(&nodes[i]);
		dueheap_set(&h, &nodes[i], (uint64_t)(rand_r(&seed) % 5000));
	}
	for (unsigned i = 0; i < N; i++) {
		struct due_node *nd = dueheap_first(&h);

		assert_non_null(nd);
		assert_true(nd->due >= last);
		last = nd->due;
		dueheap_del(&h, nd);
	}
	assert_null(dueheap_first(&h));
	dueheap_free(&h);
}

/* Full: one more is not queued (and nothing is overwritten). */
static void test_capacity(void **state)
{
	struct due_node nodes[3];
	struct dueheap h;

	(void)state;
	assert_int_equal(dueheap_init(&h, 2), 0);
	for (unsigned i = 0; i < 3; i++) {
		due_node_init(&nodes[i]);
		dueheap_set(&h, &nodes[i], 10 - i);
	}
	assert_int_equal(h.n, 2);
	assert_false(due_node_queued(&nodes[2]));
	assert_true(dueheap_next(&h) == 9);
	dueheap_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_ops),
		cmocka_unit_test(test_drain_in_order),
		cmocka_unit_test(test_capacity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
