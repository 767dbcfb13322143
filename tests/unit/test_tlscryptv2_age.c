/* --tls-crypt-v2-max-age (OpenVPN 2.7): which client key metadata passes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "proto/tlscryptv2_age.h"

#define NOW 1800000000	/* 2027-01-15 */
#define DAY 86400

static void stamp(uint8_t m[9], uint64_t ts)
{
	m[0] = 0x01;
	for (int i = 8; i >= 1; i--, ts >>= 8)
		m[i] = (uint8_t)ts;
}

static void test_fresh_and_old(void **state)
{
	uint8_t m[9];
	int64_t age = -1;

	(void)state;
	stamp(m, NOW - 3 * DAY);
	assert_int_equal(tlscryptv2_age_check(m, 9, 3, NOW, &age), 0);
	assert_int_equal(age, 3);
	stamp(m, NOW - 3 * DAY - 1);
	assert_int_equal(tlscryptv2_age_check(m, 9, 3, NOW, &age), -EKEYEXPIRED);
	stamp(m, NOW + DAY);	/* clock skew: not old */
	assert_int_equal(tlscryptv2_age_check(m, 9, 1, NOW, &age), 0);
	stamp(m, UINT64_MAX);	/* from no clock: refused */
	assert_int_equal(tlscryptv2_age_check(m, 9, 1, NOW, &age), -EKEYEXPIRED);
}

static void test_no_timestamp(void **state)
{
	uint8_t m[10] = { 0x00, 'u', 's', 'e', 'r' };
	int64_t age = 0;

	(void)state;
	assert_int_equal(tlscryptv2_age_check(m, 5, 30, NOW, &age), -ENODATA);
	assert_int_equal(tlscryptv2_age_check(m, 0, 30, NOW, &age), -ENODATA);
	stamp(m, NOW);
	assert_int_equal(tlscryptv2_age_check(m, 8, 30, NOW, &age), -ENODATA);
	assert_int_equal(tlscryptv2_age_check(m, 10, 30, NOW, &age), -ENODATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_and_old),
		cmocka_unit_test(test_no_timestamp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
