/*
 * The engine's event queue: order, the eventfd count that lets the control
 * plane poll it, and purging a deleted peer's events (none may surface
 * after dco_del_peer, or a new peer given the same id would get them).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "dco/engine.h"

static void push(struct notify *n, uint32_t peer, enum dco_event_type t)
{
	struct dco_event ev = { .type = t, .peer_id = peer, .fd = -1 };

	notify_push(n, &ev);
}

/* The eventfd holds exactly one count per queued event. */
static unsigned efd_counts(struct notify *n)
{
	uint64_t v;
	unsigned c = 0;

	while (read(n->efd, &v, sizeof(v)) == sizeof(v))
		c++;
	for (unsigned i = 0; i < c; i++) {
		uint64_t one = 1;

		assert_int_equal(write(n->efd, &one, sizeof(one)), sizeof(one));
	}
	return c;
}

static void test_purge_keeps_order_and_count(void **state)
{
	static struct notify n;
	struct dco_event ev;
	const uint32_t want[] = { 2, 3, 2 };

	(void)state;
	assert_int_equal(notify_init(&n), 0);
	push(&n, 1, DCO_EV_CONTROL);
	push(&n, 2, DCO_EV_CONTROL);
	push(&n, 1, DCO_EV_PEER_DELETED);
	push(&n, 3, DCO_EV_PEER_FLOAT);
	push(&n, 2, DCO_EV_KEY_NEAR_WRAP);
	push(&n, 1, DCO_EV_CONTROL);
	assert_int_equal(efd_counts(&n), 6);
	notify_purge(&n, 1);
	assert_int_equal(efd_counts(&n), 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(notify_pop(&n, &ev), 0);
		assert_int_equal(ev.peer_id, want[i]);
	}
	assert_int_equal(notify_pop(&n, &ev), -EAGAIN);
	assert_int_equal(efd_counts(&n), 0);
	notify_free(&n);
}

static void test_purge_across_the_wrap(void **state)
{
	static struct notify n;
	struct dco_event ev;
	unsigned left = 0;

	(void)state;
	assert_int_equal(notify_init(&n), 0);
	/* move the head near the end of the ring, then fill across it */
	for (unsigned i = 0; i < DCO_EVENT_QUEUE - 3; i++)
		push(&n, 9, DCO_EV_CONTROL);
	for (unsigned i = 0; i < DCO_EVENT_QUEUE - 3; i++)
		assert_int_equal(notify_pop(&n, &ev), 0);
	for (unsigned i = 0; i < 10; i++)
		push(&n, i % 2 ? 5 : 6, DCO_EV_CONTROL);
	notify_purge(&n, 5);
	while (notify_pop(&n, &ev) == 0) {
		assert_int_equal(ev.peer_id, 6);
		left++;
	}
	assert_int_equal(left, 5);
	notify_free(&n);
}

/* Drained, the ring starts again at its first slot: only as many slots as
 * the queue was ever deep are touched (and resident), not the whole ring
 * a little more with every control packet. */
static void test_empty_ring_rewinds(void **state)
{
	static struct notify n;
	struct dco_event ev;

	(void)state;
	assert_int_equal(notify_init(&n), 0);
	for (unsigned i = 0; i < 3 * DCO_EVENT_QUEUE; i++) {
		push(&n, i, DCO_EV_CONTROL);
		push(&n, i + 1, DCO_EV_CONTROL);
		assert_int_equal(notify_pop(&n, &ev), 0);
		assert_int_equal(ev.peer_id, i);
		assert_int_equal(notify_pop(&n, &ev), 0);
		assert_int_equal(n.head, 0);
	}
	push(&n, 7, DCO_EV_CONTROL);
	notify_purge(&n, 7);
	assert_int_equal(n.head, 0);
	assert_int_equal(efd_counts(&n), 0);
	notify_free(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purge_keeps_order_and_count),
		cmocka_unit_test(test_purge_across_the_wrap),
		cmocka_unit_test(test_empty_ring_rewinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
