/*
 * PUSH_UPDATE helpers (src/ctl/pushupd.c): the server's split of a long
 * option list into parts with push-continuation, as OpenVPN 2.7's
 * push_util.c does, and the client's reading of "-" / "?" prefixes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/pushupd.h"

static void test_split_short(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(pushupd_split("route 10.0.0.0 255.0.0.0, -dns", &out), 1);
	assert_string_equal(out, "PUSH_UPDATE,route 10.0.0.0 255.0.0.0, -dns");
	free(out);
	assert_int_equal(pushupd_split("", &out), -EINVAL);
	assert_null(out);
}

/* A list longer than a part: cut at the last comma that fits. */
static void test_split_long(void **state)
{
	char opts[3000] = "", *out, *p;
	int n;

	(void)state;
	for (int i = 0; i < 100; i++)
		snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts),
			 "%sroute 10.%d.0.0 255.255.0.0", i ? "," : "", i);
	n = pushupd_split(opts, &out);
	assert_true(n >= 3);
	p = out;
	for (int i = 0; i < n; i++) {
		const char *end = i < n - 1 ? ",push-continuation 2" :
					      ",push-continuation 1";
		size_t l = strlen(p);

		assert_true(l <= PUSHUPD_PART_MAX + sizeof(PUSHUPD_CMD) + 20);
		assert_memory_equal(p, "PUSH_UPDATE,route 10.", 21);
		assert_string_equal(p + l - strlen(end), end);
		p += l + 1;
	}
	free(out);
	/* one option longer than any part cannot be sent */
	memset(opts, 'x', 2000);
	opts[2000] = 0;
	assert_int_equal(pushupd_split(opts, &out), -EINVAL);
}

static void test_parse(void **state)
{
	struct pushupd_opt o;

	(void)state;
	assert_int_equal(pushupd_parse_opt(" route 10.0.0.0 255.0.0.0", &o), 0);
	assert_true(o.updatable && !o.remove && !o.optional);
	assert_true(pushupd_is(&o, "route"));
	assert_false(pushupd_is(&o, "route-ipv6"));
	assert_int_equal(pushupd_parse_opt("-?dns", &o), 0);
	assert_true(o.remove && o.optional && o.updatable && pushupd_is(&o, "dns"));
	assert_int_equal(pushupd_parse_opt("?cipher AES-128-GCM", &o), 0);
	assert_true(o.optional && !o.updatable);
	assert_int_equal(pushupd_parse_opt("?-dns", &o), -EINVAL);
	assert_int_equal(pushupd_parse_opt("-", &o), -EINVAL);
	assert_int_equal(pushupd_parse_opt("?", &o), -EINVAL);
	assert_int_equal(pushupd_parse_opt("-route 10.0.0.0", &o), -EINVAL);
	assert_int_equal(pushupd_parse_opt("routes 1", &o), 0);
	assert_false(o.updatable);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_short),
		cmocka_unit_test(test_split_long),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
