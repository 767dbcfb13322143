/* The MP routing table: host routes, iroutes by longest prefix, removal. */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "base/clock.h"
#include "dco/route.h"
#include "dcovpn/dco.h"

static struct route_table *rt;

static int setup(void **state)
{
	(void)state;
	rt = malloc(sizeof(*rt));
	route_init(rt);
	return rt ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	route_free(rt);
	free(rt);
	return 0;
}

static uint32_t look4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return route_lookup(rt, AF_INET, (const uint8_t *)&a, 0);
}

/* A lookup that marks the route it finds used at @now_ms. */
static uint32_t use4(const char *s, uint64_t now_ms)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return route_lookup(rt, AF_INET, (const uint8_t *)&a, now_ms);
}

static uint32_t look6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return route_lookup(rt, AF_INET6, a.s6_addr, 0);
}

static int add4(uint32_t peer, const char *s, unsigned plen)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return route_add(rt, peer, AF_INET, &a, plen);
}

static int del4(uint32_t peer, const char *s, unsigned plen)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return route_del(rt, peer, AF_INET, &a, plen);
}

static void test_hosts(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 3000; i++) {
		struct in_addr a = { htonl(0xc6120000u + i) };

		assert_int_equal(route_add(rt, i, AF_INET, &a, 32), 0);
	}
	assert_int_equal(look4("198.18.0.0"), 0);
	assert_int_equal(look4("198.18.11.183"), 2999);
	assert_int_equal(look4("198.18.11.184"), DCO_PEER_ID_NONE);
	assert_int_equal(add4(7, "198.18.0.5", 32), -EEXIST);
	assert_int_equal(del4(6, "198.18.0.5", 32), -ENOENT); /* not its route */
	assert_int_equal(del4(5, "198.18.0.5", 32), 0);
	assert_int_equal(look4("198.18.0.5"), DCO_PEER_ID_NONE);
}

static void test_longest_prefix(void **state)
{
	(void)state;
	assert_int_equal(add4(1, "198.19.0.0", 16), 0);
	assert_int_equal(add4(2, "198.19.5.0", 24), 0);
	assert_int_equal(add4(3, "198.19.5.128", 25), 0);
	assert_int_equal(add4(4, "198.19.5.200", 32), 0);
	/* host bits are cleared: the same route written differently */
	assert_int_equal(add4(9, "198.19.5.7", 24), -EEXIST);
	assert_int_equal(look4("198.19.77.1"), 1);
	assert_int_equal(look4("198.19.5.1"), 2);
	assert_int_equal(look4("198.19.5.129"), 3);
	assert_int_equal(look4("198.19.5.200"), 4);
	assert_int_equal(look4("198.20.0.1"), DCO_PEER_ID_NONE);
	assert_int_equal(del4(3, "198.19.5.128", 25), 0);
	assert_int_equal(look4("198.19.5.129"), 2);
	assert_int_equal(add4(5, "0.0.0.0", 0), 0);
	assert_int_equal(look4("203.0.113.9"), 5);
}

static void test_ipv6_and_peer_removal(void **state)
{
	struct in6_addr a;

	(void)state;
	inet_pton(AF_INET6, "fd00:1::", &a);
	assert_int_equal(route_add(rt, 8, AF_INET6, &a, 64), 0);
	inet_pton(AF_INET6, "fd00:1::1000", &a);
	assert_int_equal(route_add(rt, 9, AF_INET6, &a, 128), 0);
	assert_int_equal(add4(8, "198.19.0.0", 16), 0);
	assert_int_equal(look6("fd00:1::1000"), 9);
	assert_int_equal(look6("fd00:1::1001"), 8);
	assert_int_equal(look6("fd00:2::1"), DCO_PEER_ID_NONE);
	/* a v4 route never answers a v6 lookup, even with equal leading bytes */
	assert_int_equal(look6("c613::1"), DCO_PEER_ID_NONE);
	route_del_peer(rt, 8);
	assert_int_equal(look6("fd00:1::1001"), DCO_PEER_ID_NONE);
	assert_int_equal(look4("198.19.1.1"), DCO_PEER_ID_NONE);
	assert_int_equal(look6("fd00:1::1000"), 9);
}

static void test_bad_arguments(void **state)
{
	struct in_addr a = { 0 };

	(void)state;
	assert_int_equal(route_add(rt, 1, AF_INET, &a, 33), -EINVAL);
	assert_int_equal(route_add(rt, 1, AF_UNIX, &a, 8), -EINVAL);
	assert_int_equal(route_add(rt, 1, AF_INET, NULL, 8), -EINVAL);
	assert_int_equal(route_lookup(rt, AF_UNIX, (const uint8_t *)&a, 0),
			 DCO_PEER_ID_NONE);
}

/* stale-routes-check: routes not used since a time go, used ones stay
 * (a host route and an iroute alike); at most @max per call. */
static void test_expire(void **state)
{
	struct route_entry out[4];
	uint64_t t = clock_now_ms();

	(void)state;
	assert_int_equal(add4(1, "198.19.0.2", 32), 0);
	assert_int_equal(add4(2, "10.1.0.0", 16), 0);
	assert_int_equal(add4(3, "198.19.0.3", 32), 0);
	assert_int_equal(add4(3, "10.3.0.0", 16), 0);
	assert_int_equal(use4("198.19.0.2", t + 5000), 1);
	assert_int_equal(use4("10.1.2.3", t + 5000), 2);
	/* a second use within the touch interval changes nothing */
	assert_int_equal(use4("10.1.2.3", t + 5500), 2);
	assert_int_equal(route_expire(rt, t + 3000, out, 4), 2);
	assert_int_equal(out[0].peer_id, 3);
	assert_int_equal(out[0].prefix_len, 32);
	assert_int_equal(out[1].peer_id, 3);
	assert_int_equal(out[1].prefix_len, 16);
	assert_int_equal(look4("198.19.0.3"), DCO_PEER_ID_NONE);
	assert_int_equal(look4("10.3.0.1"), DCO_PEER_ID_NONE);
	assert_int_equal(look4("198.19.0.2"), 1);
	assert_int_equal(look4("10.1.0.9"), 2);
	assert_int_equal(route_expire(rt, t + 3000, out, 4), 0);
	/* later everything is stale, one at a time */
	assert_int_equal(route_expire(rt, t + 5001, out, 1), 1);
	assert_int_equal(route_expire(rt, t + 5001, out, 1), 1);
	assert_int_equal(route_expire(rt, t + 5001, out, 1), 0);
	assert_int_equal(look4("198.19.0.2"), DCO_PEER_ID_NONE);
	assert_int_equal(look4("10.1.0.9"), DCO_PEER_ID_NONE);
}

#define MANY 5000u    /* more peers than buckets: chains in both tables */

static void peer_addr4(uint32_t i, struct in_addr *a)
{
	a->s_addr = htonl(0xc6120000u + i);    /* 198.18.0.0 + i */
}

static void peer_addr6(uint32_t i, struct in6_addr *a)
{
	inet_pton(AF_INET6, "fd00:5::", a);
	a->s6_addr[14] = (uint8_t)(i >> 8);
	a->s6_addr[15] = (uint8_t)i;
}

/* Peer @i's iroute (every 100th peer has one): 10.(i/100).0.0/16. */
static void peer_net(uint32_t i, struct in_addr *a)
{
	a->s_addr = htonl(0x0a000000u + (i / 100u << 16));
}

static void add_peer(uint32_t i)
{
	struct in_addr a;
	struct in6_addr a6;

	peer_addr4(i, &a);
	assert_int_equal(route_add(rt, i, AF_INET, &a, 32), 0);
	peer_addr6(i, &a6);
	assert_int_equal(route_add(rt, i, AF_INET6, &a6, 128), 0);
	if (i % 100 == 0) {
		peer_net(i, &a);
		assert_int_equal(route_add(rt, i, AF_INET, &a, 16), 0);
	}
}

/* Every route of peer @i answers @want (DCO_PEER_ID_NONE: gone). */
static void check_peer(uint32_t i, uint32_t want)
{
	struct in_addr a;
	struct in6_addr a6;

	peer_addr4(i, &a);
	assert_int_equal(route_lookup(rt, AF_INET, (uint8_t *)&a, 0), want);
	peer_addr6(i, &a6);
	assert_int_equal(route_lookup(rt, AF_INET6, a6.s6_addr, 0), want);
	if (i % 100 == 0) {
		peer_net(i, &a);
		a.s_addr |= htonl(0x0101u);
		assert_int_equal(route_lookup(rt, AF_INET, (uint8_t *)&a, 0),
				 want);
	}
}

/* Removing peers takes their routes and only theirs, host and network
 * alike, also from peers sharing their owner bucket (id +/- 4096) or
 * address bucket; a removed peer's routes can be added again. */
static void test_del_peer_many(void **state)
{
	static const uint32_t gone[] = { 4097, 1, 200, 4999, 0, 3000 };

	(void)state;
	for (uint32_t i = 0; i < MANY; i++)
		add_peer(i);
	for (unsigned k = 0; k < sizeof(gone) / sizeof(gone[0]); k++) {
		route_del_peer(rt, gone[k]);
		check_peer(gone[k], DCO_PEER_ID_NONE);
		route_del_peer(rt, gone[k]);    /* twice: nothing left */
	}
	for (uint32_t i = 0; i < MANY; i++) {
		bool removed = false;

		for (unsigned k = 0; k < sizeof(gone) / sizeof(gone[0]); k++)
			removed |= gone[k] == i;
		check_peer(i, removed ? DCO_PEER_ID_NONE : i);
	}
	/* back again; and a removed peer's address under another id */
	add_peer(4097);
	add_peer(200);
	check_peer(4097, 4097);
	check_peer(200, 200);
	assert_int_equal(add4(7000, "198.18.0.1", 32), 0);
	assert_int_equal(look4("198.18.0.1"), 7000);
	route_del_peer(rt, 7000);
	assert_int_equal(look4("198.18.0.1"), DCO_PEER_ID_NONE);
	check_peer(4097, 4097);
}

/* Single removals and expiry keep the owner chains right: the peer's
 * removal afterwards takes exactly what is left. */
static void test_del_peer_after_del_and_expire(void **state)
{
	struct route_entry out[8];
	uint64_t t = clock_now_ms();

	(void)state;
	assert_int_equal(add4(5, "198.19.0.5", 32), 0);
	assert_int_equal(add4(5, "198.19.1.5", 32), 0);
	assert_int_equal(add4(5, "198.19.2.5", 32), 0);
	assert_int_equal(add4(5 + 4096, "198.19.3.5", 32), 0);
	assert_int_equal(add4(5, "10.5.0.0", 16), 0);
	assert_int_equal(del4(5, "198.19.1.5", 32), 0);
	assert_int_equal(use4("198.19.0.5", t + 5000), 5);
	assert_int_equal(use4("198.19.3.5", t + 5000), 5 + 4096);
	assert_int_equal(use4("10.5.1.1", t + 5000), 5);
	assert_int_equal(route_expire(rt, t + 3000, out, 8), 1); /* 198.19.2.5 */
	assert_int_equal(look4("198.19.2.5"), DCO_PEER_ID_NONE);
	route_del_peer(rt, 5);
	assert_int_equal(look4("198.19.0.5"), DCO_PEER_ID_NONE);
	assert_int_equal(look4("10.5.1.1"), DCO_PEER_ID_NONE);
	assert_int_equal(look4("198.19.3.5"), 5 + 4096);
	assert_int_equal(add4(5, "198.19.1.5", 32), 0);
	assert_int_equal(add4(5, "198.19.2.5", 32), 0);
	assert_int_equal(look4("198.19.2.5"), 5);
}

static uint64_t cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* A teardown of 10,000 peers costs about what adding them did: each
 * removal visits the peer's own routes, not every bucket and chain (that
 * walk made it about 100x the adding; CPU time of this thread, so other
 * load does not count). */
static void test_del_peer_cost(void **state)
{
	uint64_t t0, add_us, del_us;

	(void)state;
	t0 = cpu_us();
	for (uint32_t i = 0; i < 2 * MANY; i++)
		add_peer(i);
	add_us = cpu_us() - t0;
	t0 = cpu_us();
	for (uint32_t i = 0; i < 2 * MANY; i++)
		route_del_peer(rt, i);
	del_us = cpu_us() - t0;
	print_message("add %llu us, remove %llu us\n", (unsigned long long)add_us,
		      (unsigned long long)del_us);
	assert_true(del_us < 5 * add_us + 20000);
	check_peer(0, DCO_PEER_ID_NONE);
	check_peer(2 * MANY - 1, DCO_PEER_ID_NONE);
}

/* A worker's lookups while the writer removes and re-adds peers. */
struct reader {
	atomic_bool stop;
	atomic_ulong lookups;
	atomic_ulong wrong;     /* an answer naming another peer */
};

static void *reader_run(void *arg)
{
	struct reader *r = arg;
	unsigned long n = 0;

	rcu_register_thread();
	while (!atomic_load(&r->stop)) {
		for (uint32_t i = 0; i < 512; i++, n++) {
			struct in_addr a;
			struct in6_addr a6;
			uint32_t got;

			peer_addr4(i, &a);
			got = route_lookup(rt, AF_INET, (uint8_t *)&a, 0);
			/* even peers stay; odd ones come and go */
			if (i % 2 ? got != i && got != DCO_PEER_ID_NONE : got != i)
				atomic_fetch_add(&r->wrong, 1);
			peer_addr6(i, &a6);
			got = route_lookup(rt, AF_INET6, a6.s6_addr, 0);
			if (i % 2 ? got != i && got != DCO_PEER_ID_NONE : got != i)
				atomic_fetch_add(&r->wrong, 1);
		}
		/* a quiescent state as a worker's (worker.c: offline while
		 * it waits; TSan builds see the grace period through it) */
		rcu_worker_offline();
		rcu_thread_online();
	}
	atomic_store(&r->lookups, n);
	rcu_unregister_thread();
	return NULL;
}

/* The readers stay right while peers go and come back: a removed node is
 * unlinked with its successor kept and freed after a grace period (ASan
 * builds see a use after free otherwise). */
static void test_del_peer_concurrent_readers(void **state)
{
	struct reader r = { 0 };
	pthread_t t;

	(void)state;
	for (uint32_t i = 0; i < 512; i++)
		add_peer(i);
	assert_int_equal(pthread_create(&t, NULL, reader_run, &r), 0);
	for (unsigned round = 0; round < 200; round++) {
		for (uint32_t i = 1; i < 512; i += 2)
			route_del_peer(rt, i);
		for (uint32_t i = 1; i < 512; i += 2)
			add_peer(i);
	}
	atomic_store(&r.stop, true);
	pthread_join(t, NULL);
	assert_true(atomic_load(&r.lookups) > 0);
	assert_int_equal(atomic_load(&r.wrong), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hosts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_and_peer_removal, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_del_peer_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_del_peer_after_del_and_expire,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_del_peer_cost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_del_peer_concurrent_readers,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
