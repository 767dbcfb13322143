/* The MP tap switch's MAC table (dco/l2.c): learning, moves, the bound per
 * client, ageing, forgetting a peer, and the frame check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dco/engine.h"
#include "dco/l2.h"

struct fixture {
	struct dco *dco;
	struct peer *p[2];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dco = calloc(1, sizeof(*f->dco));
	f->dco->mode = DCO_MODE_MP;
	pthread_mutex_init(&f->dco->addr_lock, NULL);
	f->dco->l2 = l2_table_new();
	for (unsigned i = 0; i < 2; i++) {
		f->p[i] = calloc(1, sizeof(*f->p[i]));
		f->p[i]->id = i + 1;
		if (!f->p[i] || peer_add(f->dco, f->p[i]))
			return -1;
	}
	*state = f;
	return f->dco->l2 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	l2_table_free(f->dco->l2);
	pthread_mutex_destroy(&f->dco->addr_lock);
	free(f->p[0]);
	free(f->p[1]);
	free(f->dco);
	free(f);
	return 0;
}

static void mac_of(uint8_t mac[L2_MAC_LEN], unsigned n)
{
	mac[0] = 0x02;	/* locally administered, unicast */
	mac[1] = 0;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static void test_learn_move_forget(void **state)
{
	struct fixture *f = *state;
	struct l2_table *t = f->dco->l2;
	uint8_t a[L2_MAC_LEN];

	mac_of(a, 7);
	assert_int_equal(l2_lookup(t, a, 1000), DCO_PEER_ID_NONE);
	assert_true(l2_learn(f->dco, f->p[0], a, 1000));
	assert_int_equal(l2_lookup(t, a, 1000), 1);
	assert_int_equal(atomic_load(&f->p[0]->l2_macs), 1);
	/* seen again from the other client: it moved (a roaming host) */
	assert_true(l2_learn(f->dco, f->p[1], a, 2000));
	assert_int_equal(l2_lookup(t, a, 2000), 2);
	assert_int_equal(atomic_load(&f->p[0]->l2_macs), 0);
	assert_int_equal(atomic_load(&f->p[1]->l2_macs), 1);
	l2_forget_peer(t, 2);
	assert_int_equal(l2_lookup(t, a, 2000), DCO_PEER_ID_NONE);
}

static void test_ageing(void **state)
{
	struct fixture *f = *state;
	uint8_t a[L2_MAC_LEN];

	mac_of(a, 9);
	assert_true(l2_learn(f->dco, f->p[0], a, 5000));
	assert_int_equal(l2_lookup(f->dco->l2, a, 5000 + L2_AGE_MS - 1), 1);
	assert_int_equal(l2_lookup(f->dco->l2, a, 5000 + L2_AGE_MS),
			 DCO_PEER_ID_NONE);
	/* seen again: learned afresh */
	assert_true(l2_learn(f->dco, f->p[0], a, 5000 + L2_AGE_MS));
	assert_int_equal(l2_lookup(f->dco->l2, a, 5000 + L2_AGE_MS), 1);
}

/* A client inventing source MACs owns at most L2_MAX_PER_PEER of them, and
 * its count stays what the table holds for it (evictions give back). */
static void test_bound_per_client(void **state)
{
	struct fixture *f = *state;
	uint8_t a[L2_MAC_LEN];
	unsigned refused = 0;

	for (unsigned n = 0; n < 4 * L2_MAX_PER_PEER; n++) {
		mac_of(a, 100 + n);
		if (!l2_learn(f->dco, f->p[0], a, 10))
			refused++;
		assert_true(atomic_load(&f->p[0]->l2_macs) <= L2_MAX_PER_PEER);
	}
	assert_true(refused > 0);
	assert_int_equal(atomic_load(&f->p[0]->l2_macs), L2_MAX_PER_PEER);
	/* the client's count matches what the table holds for it */
	{
		unsigned held = 0;

		for (unsigned n = 0; n < 4 * L2_MAX_PER_PEER; n++) {
			mac_of(a, 100 + n);
			held += l2_lookup(f->dco->l2, a, 10) == 1;
		}
		assert_int_equal(held, L2_MAX_PER_PEER);
	}
}

static void test_payload_ok(void **state)
{
	uint8_t frame[64] = { 0x45 };

	(void)state;
	assert_true(l2_payload_ok(true, frame, L2_ETH_HLEN));
	assert_false(l2_payload_ok(true, frame, L2_ETH_HLEN - 1));
	assert_true(l2_payload_ok(false, frame, 20));
	assert_false(l2_payload_ok(false, frame, 19));
	frame[0] = 0x00;	/* an Ethernet frame is not an IP packet */
	assert_false(l2_payload_ok(false, frame, 64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_learn_move_forget, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ageing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound_per_client, setup,
						teardown),
		cmocka_unit_test(test_payload_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
