/*
 * The PUSH_UPDATE a server's reload sends for changed push lines
 * (daemon/server_reload_push.c, included here: daemon code is not in the
 * library).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "daemon/server_reload_push.c"

#define STRV(...) ((struct opt_strv){ .v = (char *[]){ __VA_ARGS__ }, \
	.n = sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *) })

static void expect_update(struct opt_strv old, struct opt_strv new,
			  const char *want)
{
	char *got = server_reload_update(&old, &new);

	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_unchanged(void **state)
{
	(void)state;
	expect_update(STRV("route 198.18.1.0 255.255.255.0", "dhcp-option DNS 198.18.0.53"),
		      STRV("route 198.18.1.0 255.255.255.0", "dhcp-option DNS 198.18.0.53"),
		      "");
	/* the order between different options does not matter */
	expect_update(STRV("route 198.18.1.0 255.255.255.0", "dhcp-option DNS 198.18.0.53"),
		      STRV("dhcp-option DNS 198.18.0.53", "route 198.18.1.0 255.255.255.0"),
		      "");
}

static void test_replaced_and_added(void **state)
{
	(void)state;
	/* all of a changed option's lines go: the first replaces them all */
	expect_update(STRV("route 198.18.1.0 255.255.255.0", "route 198.18.2.0 255.255.255.0",
			   "dhcp-option DNS 198.18.0.53"),
		      STRV("route 198.18.1.0 255.255.255.0", "route 198.18.3.0 255.255.255.0",
			   "dhcp-option DNS 198.18.0.53", "route-ipv6 fd00:96::/64"),
		      "route 198.18.1.0 255.255.255.0,route 198.18.3.0 255.255.255.0,"
		      "route-ipv6 fd00:96::/64");
	/* the order of one option's lines counts */
	expect_update(STRV("route 198.18.1.0 255.255.255.0", "route 198.18.2.0 255.255.255.0"),
		      STRV("route 198.18.2.0 255.255.255.0", "route 198.18.1.0 255.255.255.0"),
		      "route 198.18.2.0 255.255.255.0,route 198.18.1.0 255.255.255.0");
}

static void test_removed(void **state)
{
	(void)state;
	expect_update(STRV("route 198.18.1.0 255.255.255.0", "dhcp-option DNS 198.18.0.53"),
		      STRV("route 198.18.1.0 255.255.255.0"), "-dhcp-option");
	expect_update(STRV("route-ipv6 fd00:1::/64"), (struct opt_strv){ 0 },
		      "-route-ipv6");
}

static void test_not_updatable(void **state)
{
	(void)state;
	/* 2.7 cannot update these in a connected client: reconnect instead */
	expect_update((struct opt_strv){ 0 }, STRV("ping 5"), NULL);
	expect_update(STRV("inactive 600"), (struct opt_strv){ 0 }, NULL);
	/* dcovpn does not move a connected client's address */
	expect_update((struct opt_strv){ 0 }, STRV("ifconfig 198.19.0.9 255.255.255.0"),
		      NULL);
	/* one such option among updatable ones spoils the update */
	expect_update(STRV("route 198.18.1.0 255.255.255.0"),
		      STRV("route 198.18.2.0 255.255.255.0", "ping 5"), NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_replaced_and_added),
		cmocka_unit_test(test_removed),
		cmocka_unit_test(test_not_updatable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
