/* Names made safe as OpenVPN 2.6 does (base/safename.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/safename.h"

static void test_remap(void **state)
{
	char s[] = "a\nb\r\x01\x1f\x7f ~\xc3\xa9,'\"$";

	(void)state;
	assert_false(safename_remap(s));
	assert_string_equal(s, "a_b____ ~\xc3\xa9,'\"$");
	assert_true(safename_remap(s));
}

static void test_subject(void **state)
{
	char s[] = "--CN=x\n-y";

	(void)state;
	safename_subject(s);
	assert_string_equal(s, "__CN=x_-y");
}

/* client-config-dir names: OpenVPN's platform_gen_path. */
static void test_file(void **state)
{
	char out[SAFENAME_MAX];

	(void)state;
	assert_true(safename_file("a/../b", out, sizeof(out)));
	assert_string_equal(out, "a_.._b");
	assert_true(safename_file("/etc/passwd", out, sizeof(out)));
	assert_string_equal(out, "_etc_passwd");
	assert_true(safename_file(".hidden\n", out, sizeof(out)));
	assert_string_equal(out, ".hidden_");
	assert_false(safename_file("..", out, sizeof(out)));
	assert_false(safename_file(".", out, sizeof(out)));
	assert_false(safename_file("", out, sizeof(out)));
	assert_false(safename_file("abcd", out, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remap),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
