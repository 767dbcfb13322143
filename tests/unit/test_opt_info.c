/* The option descriptions: every help entry names a real option, and the
 * table's statuses come from its handlers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include "conf/opt_help.h"
#include "conf/optable.h"
#include "conf/options.h"

static void test_help_names_are_options(void **state)
{
	const struct opt_help *h;

	(void)state;
	for (size_t i = 0; (h = opt_help_at(i)); i++) {
		if (!optable_find(h->name, NULL))
			fail_msg("help for '%s', which is not an option", h->name);
	}
}

static void test_statuses(void **state)
{
	struct opt_info in;
	size_t n = 0, supported = 0;

	(void)state;
	for (size_t i = 0; !options_info(i, &in); i++, n++) {
		assert_non_null(in.name);
		assert_non_null(in.args);
		assert_non_null(in.text);
		if (!strcmp(in.name, "fragment"))
			assert_int_equal(in.status, OPT_REFUSED);
		if (!strcmp(in.name, "secret"))
			assert_int_equal(in.status, OPT_SUPPORTED);
		if (!strcmp(in.name, "dh"))
			assert_int_equal(in.status, OPT_IGNORED);
		if (!strcmp(in.name, "cd"))
			assert_int_equal(in.status, OPT_SUPPORTED);
		supported += in.status == OPT_SUPPORTED;
	}
	assert_true(n > 150);
	assert_true(supported > n / 2);
	assert_int_equal(options_info(n, &in), -ENOENT);
}

/* An option without help gets a synopsis from its arity. */
static void test_args_from_arity(void **state)
{
	struct opt_info in;

	(void)state;
	for (size_t i = 0; !options_info(i, &in); i++) {
		if (!strcmp(in.name, "hash-size"))
			assert_string_equal(in.args, "[arg ...]");
		if (!strcmp(in.name, "server-bridge"))	/* its help says it */
			assert_string_equal(in.args, "[gw mask start end | nogw]");
		if (!strcmp(in.name, "remote"))
			assert_string_equal(in.args, "host [port] [proto]");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_names_are_options),
		cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_args_from_arity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
