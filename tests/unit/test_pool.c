/* The server's address pool and its persist file; server options. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/opt_server.h"
#include "conf/options.h"
#include "ctl/pool.h"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return ntohl(a.s_addr);
}

static void assert_addr(const struct pool *p, int idx, const char *want)
{
	struct in_addr a;
	char buf[INET_ADDRSTRLEN];

	pool_addr4(p, idx, &a);
	assert_string_equal(inet_ntop(AF_INET, &a, buf, sizeof(buf)), want);
}

/* subnet: one address each, exhaustion, a returning CN gets its address. */
static void test_subnet(void **state)
{
	struct pool p;

	(void)state;
	assert_int_equal(pool_init(&p, ip("10.8.0.2"), ip("10.8.0.4"), false,
				   NULL, false), 0);
	int a = pool_acquire(&p, "alice"), b = pool_acquire(&p, "bob");
	int c = pool_acquire(&p, "carol");

	assert_addr(&p, a, "10.8.0.2");
	assert_addr(&p, b, "10.8.0.3");
	assert_addr(&p, c, "10.8.0.4");
	assert_int_equal(pool_acquire(&p, "dave"), -ENOSPC);
	pool_release(&p, b);
	pool_release(&p, a);
	/* bob's entry stays bob's while another is free */
	assert_int_equal(pool_acquire(&p, "bob"), b);
	assert_int_equal(pool_acquire(&p, "eve"), a);
	assert_int_equal(pool_find4(&p, (struct in_addr){ htonl(ip("10.8.0.3")) }), b);
	assert_int_equal(pool_find4(&p, (struct in_addr){ htonl(ip("10.8.0.9")) }), -1);
	pool_free(&p);
}

/* net30: a /30 per client, the client at .2 of it (10.8.0.6 for 10.8.0.4). */
static void test_net30(void **state)
{
	struct pool p;

	(void)state;
	assert_int_equal(pool_init(&p, ip("10.8.0.4"), ip("10.8.0.251"), true,
				   NULL, false), 0);
	assert_int_equal(p.n, 62);
	assert_addr(&p, pool_acquire(&p, "a"), "10.8.0.6");
	assert_addr(&p, pool_acquire(&p, "b"), "10.8.0.10");
	pool_free(&p);
	assert_int_equal(pool_init(&p, ip("10.8.0.9"), ip("10.8.0.1"), true,
				   NULL, false), -EINVAL);
}

/* IPv6 in step: base + index. */
static void test_ipv6(void **state)
{
	struct in6_addr base, a;
	struct pool p;
	char buf[INET6_ADDRSTRLEN];

	(void)state;
	inet_pton(AF_INET6, "fd00::10ff", &base);
	assert_int_equal(pool_init(&p, ip("10.8.0.2"), ip("10.8.0.10"), false,
				   &base, false), 0);
	pool_addr6(&p, 1, &a);
	assert_string_equal(inet_ntop(AF_INET6, &a, buf, sizeof(buf)), "fd00::1100");
	pool_free(&p);
}

/* ifconfig-pool-persist: written, read back, hostile lines skipped. */
static void test_persist(void **state)
{
	char path[] = "/tmp/test_pool_XXXXXX";
	struct pool p, q;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pool_init(&p, ip("10.8.0.2"), ip("10.8.0.20"), false,
				   NULL, false), 0);
	pool_acquire(&p, "one");
	pool_acquire(&p, "two");
	f = fopen(path, "w");
	assert_int_equal(pool_save(&p, f), 0);
	fputs("garbage\n,,,\nx,999.1.1.1,\nfar,10.9.0.1,\n#c,10.8.0.5,\n", f);
	fclose(f);
	assert_int_equal(pool_init(&q, ip("10.8.0.2"), ip("10.8.0.20"), false,
				   NULL, false), 0);
	f = fopen(path, "r");
	assert_int_equal(pool_load(&q, f), 0);
	fclose(f);
	assert_null(q.e[3].cn);
	assert_int_equal(pool_acquire(&q, "two"), 1);
	assert_int_equal(pool_acquire(&q, "new"), 2);
	assert_int_equal(pool_acquire(&q, "one"), 0);
	unlink(path);
	pool_free(&p);
	pool_free(&q);
}

static int parse(struct options *o, const char *text)
{
	char err[OPT_ERR_LEN];

	options_init(o);
	return options_parse_text(o, "t.conf", text, strlen(text), err,
				  sizeof(err));
}

/* Server options land in o->srv; ccd-only ones are refused in a config. */
static void test_server_options(void **state)
{
	struct options o;
	static const char conf[] =
		"server 10.8.0.0 255.255.255.0\n"
		"server-ipv6 fd00:1::/64\n"
		"push \"route 10.9.0.0 255.255.0.0\"\n"
		"push \"dhcp-option DNS 10.8.0.1\"\n"
		"client-to-client\nduplicate-cn\nmax-clients 7\n"
		"ifconfig-pool-persist ipp.txt 0\nstatus-version 3\n"
		"dh none\nverify-client-cert optional\n";

	(void)state;
	assert_int_equal(parse(&o, conf), 0);
	assert_non_null(o.srv);
	assert_true(o.srv->mode_server && o.tls_server && o.srv->server_set);
	assert_int_equal(o.srv->push.n, 2);
	assert_string_equal(o.srv->push.v[0], "route 10.9.0.0 255.255.0.0");
	assert_true(o.srv->client_to_client && o.srv->duplicate_cn);
	assert_int_equal(o.srv->max_clients, 7);
	assert_int_equal(o.srv->pool_persist_secs, 0);
	assert_int_equal(o.srv->status_version, 3);
	assert_int_equal(o.srv->bits6, 64);
	assert_int_equal(o.srv->verify_client_cert, OPT_VCC_OPTIONAL);
	options_free(&o);
	assert_int_not_equal(parse(&o, "server 10.8.0.1 255.255.255.0\n"), 0);
	options_free(&o);
	assert_int_not_equal(parse(&o, "server 10.8.0.0 255.0.255.0\n"), 0);
	options_free(&o);
	assert_int_not_equal(parse(&o, "iroute 10.1.0.0 255.255.0.0\n"), 0);
	options_free(&o);
	/* server-bridge: its pool, or none; hostile forms refused */
	assert_int_equal(parse(&o, "server-bridge 10.8.0.4 255.255.255.0 "
			       "10.8.0.128 10.8.0.254\n"), 0);
	assert_true(o.srv->bridge && o.srv->pool_set && o.srv->mode_server);
	options_free(&o);
	assert_int_equal(parse(&o, "server-bridge\n"), 0);
	assert_true(o.srv->bridge_dhcp && !o.srv->bridge_nogw && !o.srv->pool_set);
	options_free(&o);
	assert_int_equal(parse(&o, "server-bridge nogw\n"), 0);
	assert_true(o.srv->bridge_nogw);
	options_free(&o);
	assert_int_not_equal(parse(&o, "server-bridge 10.8.0.4 255.255.255.0 "
				   "10.9.0.128 10.9.0.254\n"), 0);
	options_free(&o);
	assert_int_not_equal(parse(&o, "server-bridge 10.8.0.4 255.255.255.0 "
				   "10.8.0.128\n"), 0);
	options_free(&o);
	assert_int_not_equal(parse(&o, "server-bridge 10.8.0.4 255.255.255.0 "
				   "10.8.0.200 10.8.0.128\n"), 0);
	options_free(&o);
	assert_int_not_equal(parse(&o, "ifconfig-pool 10.8.0.2 10.8.0.9\n"
				   "server-bridge 10.8.0.4 255.255.255.0 "
				   "10.8.0.128 10.8.0.254\n"), 0);
	options_free(&o);
	assert_int_not_equal(parse(&o, "status-version 4\n"), 0);
	options_free(&o);
}

/* OpenVPN's choice, as a scan: a free entry last held by @cn, else the
 * lowest never held, else the lowest free. */
static int reference_pick(const bool *used, char names[][8], size_t n,
			  const char *cn, bool dup_cn)
{
	for (int pass = dup_cn || !cn[0] ? 1 : 0; pass < 3; pass++)
		for (size_t i = 0; i < n; i++)
			if (!used[i] && (pass == 2 ||
					 (pass == 1 && !names[i][0]) ||
					 (pass == 0 && !strcmp(names[i], cn))))
				return (int)i;
	return -ENOSPC;
}

/* Random acquires (a few names, some empty) and releases: the same entry
 * as the scan every time, with and without duplicate-cn, across words. */
static void test_pick_matches_scan(void **state)
{
	enum { N = 300 };
	static const char *const cns[] = { "a", "b", "c", "d", "e", "", "f" };
	static char names[N][8];
	bool used[N];
	unsigned seed = 3;

	(void)state;
	for (int dup = 0; dup < 2; dup++) {
		struct pool p;

		memset(used, 0, sizeof(used));
		memset(names, 0, sizeof(names));
		assert_int_equal(pool_init(&p, 1000, 1000 + N - 1, false, NULL,
					   dup), 0);
		for (unsigned r = 0; r < 20000; r++) {
			size_t k;
			const char *cn;
			int want, got;

			seed = seed * 1103515245u + 12345u;
			k = (seed >> 16) % N;
			if ((seed >> 8) % 5 < 2 && used[k]) {
				pool_release(&p, (int)k);
				used[k] = false;
				continue;
			}
			cn = cns[(seed >> 4) % 7];
			want = reference_pick(used, names, N, dup ? "" : cn, dup);
			got = pool_acquire(&p, dup ? NULL : cn);
			assert_int_equal(got, want);
			if (got >= 0) {
				used[got] = true;
				strcpy(names[got], dup ? "" : cn);
			}
		}
		pool_free(&p);
	}
}

static uint64_t cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* A /16 pool filled by 60,000 clients with names, then 60,000 more
 * comings and goings: each pick is a few words and a name chain, not a
 * walk over the entries in use (that took seconds here). */
static void test_pick_cost(void **state)
{
	enum { FILL = 60000 };
	char cn[16];
	uint64_t t0 = cpu_us(), us;
	struct pool p;

	(void)state;
	assert_int_equal(pool_init(&p, 0x0a000002u, 0x0a00fffeu, false, NULL,
				   false), 0);
	for (int i = 0; i < FILL; i++) {
		snprintf(cn, sizeof(cn), "c%d", i);
		assert_int_equal(pool_acquire(&p, cn), i);
	}
	for (int i = 0; i < FILL; i++) {
		snprintf(cn, sizeof(cn), "c%d", (i * 7) % FILL);
		pool_release(&p, (i * 7) % FILL);
		assert_int_equal(pool_acquire(&p, cn), (i * 7) % FILL);
	}
	us = cpu_us() - t0;
	print_message("%d acquires and %d cycles: %llu us\n", FILL, FILL,
		      (unsigned long long)us);
	assert_true(us < 500000);
	pool_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subnet),
		cmocka_unit_test(test_pick_matches_scan),
		cmocka_unit_test(test_pick_cost),
		cmocka_unit_test(test_net30),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_persist),
		cmocka_unit_test(test_server_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
