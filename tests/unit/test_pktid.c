/* Replay window (OpenVPN --replay-window n t) and the send counter. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto/pktid.h"

#define T0 1000000u     /* an arbitrary monotonic "now" in ms */

static void win_init(struct pktid_window *w, uint32_t size, uint32_t secs)
{
	assert_int_equal(pktid_window_init(w, size, secs), 0);
}

static void test_init_errors(void **state)
{
	struct pktid_window w;

	(void)state;
	assert_int_equal(pktid_window_init(&w, 0, 15), -EINVAL);
	assert_int_equal(pktid_window_init(&w, PKTID_WINDOW_MAX + 1, 15), -EINVAL);
	pktid_window_free(&w);
	win_init(&w, PKTID_WINDOW_MAX, 15);
	pktid_window_free(&w);
	pktid_window_free(&w);  /* twice is harmless */
}

static void test_in_order(void **state)
{
	struct pktid_window w;
	uint32_t id;

	(void)state;
	win_init(&w, 64, 15);
	for (id = 1; id <= 1000; id++) {
		assert_int_equal(pktid_check(&w, id, T0), PKTID_OK);
		assert_int_equal(pktid_accept(&w, id, T0), PKTID_OK);
	}
	assert_int_equal(w.highest, 1000);
	pktid_window_free(&w);
}

static void test_zero_invalid(void **state)
{
	struct pktid_window w;

	(void)state;
	win_init(&w, 64, 15);
	assert_int_equal(pktid_check(&w, 0, T0), PKTID_INVALID);
	assert_int_equal(pktid_accept(&w, 0, T0), PKTID_INVALID);
	assert_int_equal(w.highest, 0);
	assert_int_equal(pktid_accept(&w, 5, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 0, T0), PKTID_INVALID);
	/* Before 5 only 1..4 exist; all are in the window. */
	assert_int_equal(pktid_accept(&w, 1, T0), PKTID_OK);
	pktid_window_free(&w);
}

static void test_reorder_duplicate_too_old(void **state)
{
	struct pktid_window w;
	uint32_t id;

	(void)state;
	win_init(&w, 64, 15);
	assert_int_equal(pktid_accept(&w, 100, T0), PKTID_OK);
	/* 100 - 63 .. 99 are in a 64-id window, 100 - 64 is not. */
	for (id = 99; id >= 37; id--)
		assert_int_equal(pktid_accept(&w, id, T0), PKTID_OK);
	assert_int_equal(pktid_check(&w, 36, T0), PKTID_TOO_OLD);
	assert_int_equal(pktid_accept(&w, 36, T0), PKTID_TOO_OLD);
	assert_int_equal(pktid_accept(&w, 1, T0), PKTID_TOO_OLD);
	for (id = 37; id <= 100; id++)
		assert_int_equal(pktid_accept(&w, id, T0), PKTID_DUPLICATE);
	/* Check does not record. */
	assert_int_equal(pktid_check(&w, 101, T0), PKTID_OK);
	assert_int_equal(pktid_check(&w, 101, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 101, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 101, T0), PKTID_DUPLICATE);
	assert_int_equal(pktid_accept(&w, 37, T0), PKTID_TOO_OLD);
	/* A gap stays open until the window passes it. */
	assert_int_equal(pktid_accept(&w, 110, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 105, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 105, T0), PKTID_DUPLICATE);
	assert_int_equal(pktid_accept(&w, 173, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 110, T0), PKTID_DUPLICATE);
	assert_int_equal(pktid_accept(&w, 109, T0), PKTID_TOO_OLD);
	assert_int_equal(pktid_accept(&w, 111, T0), PKTID_OK);
	pktid_window_free(&w);
}

/* After a jump of @gap ids, ids uncovered by the slide must read unseen. */
static void check_jump(uint32_t size, uint32_t gap)
{
	struct pktid_window w;
	uint32_t id, top = 2 * size + 10;

	win_init(&w, size, 0);
	for (id = 1; id <= top; id++)
		assert_int_equal(pktid_accept(&w, id, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, top + gap, T0), PKTID_OK);
	for (id = top + gap - 1; id > top + gap - size && id > top; id--)
		assert_int_equal(pktid_check(&w, id, T0), PKTID_OK);
	for (; id > top + gap - size; id--)
		assert_int_equal(pktid_check(&w, id, T0), PKTID_DUPLICATE);
	assert_int_equal(pktid_check(&w, top + gap - size, T0), PKTID_TOO_OLD);
	pktid_window_free(&w);
}

static void test_window_sizes(void **state)
{
	static const uint32_t sizes[] = { 1, 63, 64, 65, 128, 1000, 2048, 65536 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t n = sizes[i];

		check_jump(n, 1);
		check_jump(n, n / 2 + 1);
		if (n > 1)
			check_jump(n, n - 1);
		check_jump(n, n);
		check_jump(n, n + 1);
		check_jump(n, 5 * n + 3);
	}
}

static void test_window_1000_edges(void **state)
{
	struct pktid_window w;

	(void)state;
	win_init(&w, 1000, 15);
	assert_int_equal(pktid_accept(&w, 5000, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 4001, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 4000, T0), PKTID_TOO_OLD);
	assert_int_equal(pktid_accept(&w, 4500, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 4500, T0), PKTID_DUPLICATE);
	pktid_window_free(&w);
}

static void test_time_expiry(void **state)
{
	struct pktid_window w;

	(void)state;
	win_init(&w, 64, 15);
	assert_int_equal(pktid_accept(&w, 1, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 3, T0), PKTID_OK);
	/* 2 may arrive while 3 is at most 15 s old ... */
	assert_int_equal(pktid_check(&w, 2, T0 + 15000), PKTID_OK);
	/* ... not after. */
	assert_int_equal(pktid_check(&w, 2, T0 + 15001), PKTID_EXPIRED);
	assert_int_equal(pktid_accept(&w, 2, T0 + 15001), PKTID_EXPIRED);
	/* New ids above are fine; gaps above the stale one stay usable while
	 * everything above them is fresh. */
	assert_int_equal(pktid_accept(&w, 10, T0 + 20000), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 8, T0 + 20000), PKTID_OK);
	assert_int_equal(pktid_check(&w, 5, T0 + 20000), PKTID_OK);
	assert_int_equal(pktid_check(&w, 2, T0 + 20000), PKTID_EXPIRED);
	/* Once 8 is stale too, everything below it is refused, 9 is not. */
	assert_int_equal(pktid_check(&w, 9, T0 + 35001), PKTID_EXPIRED);
	assert_int_equal(pktid_check(&w, 5, T0 + 35001), PKTID_EXPIRED);
	assert_int_equal(pktid_accept(&w, 11, T0 + 35001), PKTID_OK);
	assert_int_equal(pktid_check(&w, 9, T0 + 35001), PKTID_EXPIRED);
	/* Duplicates stay duplicates, too-old stays too old. */
	assert_int_equal(pktid_check(&w, 8, T0 + 99999), PKTID_DUPLICATE);
	pktid_window_free(&w);

	/* t = 0 switches expiry off. */
	win_init(&w, 64, 0);
	assert_int_equal(pktid_accept(&w, 3, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, 2, T0 + 3600000), PKTID_OK);
	pktid_window_free(&w);
}

/* The window at the top of the id space: no overflow in the arithmetic. */
static void test_top_of_id_space(void **state)
{
	struct pktid_window w;

	(void)state;
	win_init(&w, 64, 15);
	assert_int_equal(pktid_accept(&w, UINT32_MAX - 2, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, UINT32_MAX, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, UINT32_MAX, T0), PKTID_DUPLICATE);
	assert_int_equal(pktid_check(&w, UINT32_MAX - 1, T0 + 15001), PKTID_EXPIRED);
	assert_int_equal(pktid_accept(&w, UINT32_MAX - 1, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, UINT32_MAX - 63, T0), PKTID_OK);
	assert_int_equal(pktid_accept(&w, UINT32_MAX - 64, T0), PKTID_TOO_OLD);
	assert_int_equal(pktid_accept(&w, 1, T0), PKTID_TOO_OLD);
	pktid_window_free(&w);
}

/*
 * Differential test against a model with no bitmap and no slot reuse: every
 * accepted id with its time in a plain array.
 */
#define MODEL_IDS 65536u

struct model {
	uint32_t highest, size;
	uint64_t expire_ms;
	bool seen[MODEL_IDS];
	uint64_t when[MODEL_IDS];
};

static enum pktid_verdict model_check(const struct model *m, uint32_t id,
				      uint64_t now)
{
	uint32_t y;

	if (id == 0)
		return PKTID_INVALID;
	if (id > m->highest)
		return PKTID_OK;
	if (m->highest - id >= m->size)
		return PKTID_TOO_OLD;
	if (m->seen[id])
		return PKTID_DUPLICATE;
	for (y = id + 1; m->expire_ms && y <= m->highest; y++)
		if (m->seen[y] && m->when[y] + m->expire_ms < now)
			return PKTID_EXPIRED;
	return PKTID_OK;
}

static void test_against_model(void **state)
{
	static const uint32_t sizes[] = { 1, 7, 64, 100, 128 };
	struct model *m = calloc(1, sizeof(*m));
	struct pktid_window w;
	size_t s;
	int i;

	(void)state;
	assert_non_null(m);
	srand(12345);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint64_t now = T0;

		memset(m, 0, sizeof(*m));
		m->size = sizes[s];
		m->expire_ms = 2000;
		win_init(&w, sizes[s], 2);
		for (i = 0; i < 20000; i++) {
			/* Mostly near the top, sometimes a jump, sometimes old. */
			uint32_t base = m->highest + 3;
			uint32_t id = (uint32_t)rand() % (2 * sizes[s] + 8);
			enum pktid_verdict want;

			id = base > id ? base - id : 0;
			if (rand() % 50 == 0)
				id = m->highest + (uint32_t)rand() % (3 * sizes[s] + 2);
			if (id >= MODEL_IDS)
				break;
			/* Bursts, with a pause now and then that lets ids expire. */
			now += (uint64_t)(rand() % 16 ? rand() % 10 : rand() % 1500);
			want = model_check(m, id, now);
			assert_int_equal(pktid_accept(&w, id, now), want);
			if (want == PKTID_OK) {
				m->seen[id] = true;
				m->when[id] = now;
				if (id > m->highest)
					m->highest = id;
			}
		}
		pktid_window_free(&w);
	}
	free(m);
}

static void test_verdict_str(void **state)
{
	(void)state;
	assert_string_equal(pktid_verdict_str(PKTID_OK), "ok");
	assert_non_null(strstr(pktid_verdict_str(PKTID_DUPLICATE), "replay"));
	assert_non_null(pktid_verdict_str(PKTID_EXPIRED));
	assert_non_null(pktid_verdict_str(PKTID_TOO_OLD));
	assert_non_null(pktid_verdict_str(PKTID_INVALID));
	assert_string_equal(pktid_verdict_str((enum pktid_verdict)42), "unknown");
}

static void test_tx_sequence_and_exhaustion(void **state)
{
	struct pktid_tx tx = { 0 };
	int i;

	(void)state;
	assert_int_equal(pktid_tx_next(&tx), 1);
	assert_int_equal(pktid_tx_next(&tx), 2);
	atomic_store(&tx.last, UINT32_MAX - 1);
	assert_int_equal(pktid_tx_next(&tx), UINT32_MAX);
	for (i = 0; i < 5; i++)
		assert_int_equal(pktid_tx_next(&tx), 0);
	assert_int_equal(atomic_load(&tx.last), UINT32_MAX);
}

#define TX_THREADS 4
#define TX_LEFT 20000u

struct tx_run {
	struct pktid_tx *tx;
	uint32_t got[TX_LEFT];
	unsigned n;
};

static void *tx_worker(void *arg)
{
	struct tx_run *r = arg;
	uint32_t id;

	while ((id = pktid_tx_next(r->tx)) != 0) {
		if (r->n < TX_LEFT)
			r->got[r->n] = id;
		r->n++;
	}
	return NULL;
}

/* Threads racing for the last ids: each handed out exactly once. */
static void test_tx_concurrent(void **state)
{
	struct pktid_tx tx = { 0 };
	struct tx_run *runs = calloc(TX_THREADS, sizeof(*runs));
	uint8_t *hit = calloc(TX_LEFT + 1, 1);
	pthread_t th[TX_THREADS];
	unsigned i, j, total = 0;

	(void)state;
	assert_non_null(runs);
	assert_non_null(hit);
	atomic_store(&tx.last, UINT32_MAX - TX_LEFT);
	for (i = 0; i < TX_THREADS; i++) {
		runs[i].tx = &tx;
		assert_int_equal(pthread_create(&th[i], NULL, tx_worker, &runs[i]), 0);
	}
	for (i = 0; i < TX_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		total += runs[i].n;
		for (j = 0; j < runs[i].n; j++) {
			uint32_t k = runs[i].got[j] - (UINT32_MAX - TX_LEFT);

			assert_true(k >= 1 && k <= TX_LEFT);
			assert_int_equal(hit[k], 0);
			hit[k] = 1;
		}
	}
	assert_int_equal(total, TX_LEFT);
	free(hit);
	free(runs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_zero_invalid),
		cmocka_unit_test(test_reorder_duplicate_too_old),
		cmocka_unit_test(test_window_sizes),
		cmocka_unit_test(test_window_1000_edges),
		cmocka_unit_test(test_time_expiry),
		cmocka_unit_test(test_top_of_id_space),
		cmocka_unit_test(test_against_model),
		cmocka_unit_test(test_verdict_str),
		cmocka_unit_test(test_tx_sequence_and_exhaustion),
		cmocka_unit_test(test_tx_concurrent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
