/* OpenVPN static key files: the real genkey output, directions, refusals. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/statickey.h"


#include "../vectors/tlswrap-keys.inc"

#define BEGIN "-----BEGIN OpenVPN Static key V1-----\n"
#define END "-----END OpenVPN Static key V1-----\n"

/* 256 bytes 00 01 .. ff as 16 lines of 32 hex digits. */
static char *counting_hex(void)
{
	char *s = malloc(16 * 33 + 1);
	char *p = s;

	for (unsigned i = 0; i < 256; i++) {
		p += sprintf(p, "%02x", i);
		if (i % 16 == 15)
			*p++ = '\n';
	}
	*p = 0;
	return s;
}

static char *counting_file(const char *pre, const char *post)
{
	char *hex = counting_hex();
	size_t n = strlen(pre) + strlen(BEGIN) + strlen(hex) + strlen(post) + 1;
	char *s = malloc(n);

	snprintf(s, n, "%s" BEGIN "%s%s", pre, hex, post);
	free(hex);
	return s;
}

static int parse_str(const char *s, struct statickey *k, char *err)
{
	return statickey_parse(s, strlen(s), k, err, 128);
}

static void test_genkey_file(void **state)
{
	struct statickey k;
	char err[128];
	unsigned int nonzero = 0;

	(void)state;
	assert_int_equal(parse_str(vec_key_ta, &k, err), 0);
	/* First line of hex in the file is key0.cipher[0..15]. */
	const char *first = strstr(vec_key_ta, BEGIN) + strlen(BEGIN);
	char hex[33];

	for (int i = 0; i < 16; i++)
		sprintf(hex + 2 * i, "%02x", k.raw[i]);
	assert_memory_equal(hex, first, 32);
	for (int i = 0; i < 256; i++)
		nonzero += k.raw[i] != 0;
	assert_true(nonzero > 200);
	statickey_wipe(&k);
	for (int i = 0; i < 256; i++)
		assert_int_equal(k.raw[i], 0);
}

static void test_layout_and_directions(void **state)
{
	char *s = counting_file("# 2048 bit OpenVPN static key\n", END);
	struct statickey k;
	struct statickey_slices sl;
	char err[128];

	(void)state;
	assert_int_equal(parse_str(s, &k, err), 0);
	for (int i = 0; i < 256; i++)
		assert_int_equal(k.raw[i], i);

	assert_int_equal(statickey_slice(&k, STATICKEY_DIR_NONE, &sl), 0);
	assert_ptr_equal(sl.send_cipher, k.raw + 0);
	assert_ptr_equal(sl.send_hmac, k.raw + 64);
	assert_ptr_equal(sl.recv_cipher, k.raw + 0);
	assert_ptr_equal(sl.recv_hmac, k.raw + 64);

	assert_int_equal(statickey_slice(&k, STATICKEY_DIR_NORMAL, &sl), 0);
	assert_ptr_equal(sl.send_cipher, k.raw + 0);
	assert_ptr_equal(sl.send_hmac, k.raw + 64);
	assert_ptr_equal(sl.recv_cipher, k.raw + 128);
	assert_ptr_equal(sl.recv_hmac, k.raw + 192);

	assert_int_equal(statickey_slice(&k, STATICKEY_DIR_INVERSE, &sl), 0);
	assert_ptr_equal(sl.send_cipher, k.raw + 128);
	assert_ptr_equal(sl.send_hmac, k.raw + 192);
	assert_ptr_equal(sl.recv_cipher, k.raw + 0);
	assert_ptr_equal(sl.recv_hmac, k.raw + 64);

	assert_int_equal(statickey_slice(&k, (enum statickey_dir)2, &sl), -EINVAL);
	free(s);
}

static void test_dir_parse(void **state)
{
	enum statickey_dir d;

	(void)state;
	assert_int_equal(statickey_dir_parse(NULL, &d), 0);
	assert_int_equal(d, STATICKEY_DIR_NONE);
	assert_int_equal(statickey_dir_parse("0", &d), 0);
	assert_int_equal(d, STATICKEY_DIR_NORMAL);
	assert_int_equal(statickey_dir_parse("1", &d), 0);
	assert_int_equal(d, STATICKEY_DIR_INVERSE);
	assert_int_equal(statickey_dir_parse("2", &d), -EINVAL);
	assert_int_equal(statickey_dir_parse("", &d), -EINVAL);
	assert_int_equal(statickey_dir_parse("01", &d), -EINVAL);
}

static void test_tolerated(void **state)
{
	struct statickey k;
	char err[128];
	char *s;

	(void)state;
	/* CRLF, indentation, trailing text after END. */
	s = counting_file("junk\r\n  ", "  -----END OpenVPN Static key V1-----\r\nmore\n");
	assert_int_equal(parse_str(s, &k, err), 0);
	assert_int_equal(k.raw[255], 255);
	free(s);
}

static void expect_refused(const char *s, const char *why)
{
	struct statickey k;
	char err[128] = "";

	memset(&k, 0xaa, sizeof(k));
	assert_int_equal(parse_str(s, &k, err), -EINVAL);
	if (!strstr(err, why))
		fail_msg("error \"%s\" does not mention \"%s\"", err, why);
	for (int i = 0; i < 256; i++)
		assert_int_equal(k.raw[i], 0);
}

static void test_refused(void **state)
{
	char *s, *hex = counting_hex();
	char buf[2048];

	(void)state;
	expect_refused("", "no -----BEGIN");
	expect_refused("hello\n", "no -----BEGIN");
	snprintf(buf, sizeof(buf), BEGIN "%s", hex);
	expect_refused(buf, "no -----END");
	expect_refused(BEGIN END, "0 of 256 key bytes");
	snprintf(buf, sizeof(buf), BEGIN "%.*s" END, 66, hex);
	expect_refused(buf, "32 of 256 key bytes");
	snprintf(buf, sizeof(buf), BEGIN "%sa\n" END, hex);
	expect_refused(buf, "more than 256 key bytes");
	snprintf(buf, sizeof(buf), BEGIN "%.*s\n" END, 3, hex);
	expect_refused(buf, "1.5 of 256");
	s = counting_file("", END);
	s[strlen(BEGIN) + 40] = 'g';
	expect_refused(s, "line 3: character 0x67 is not a hex digit");
	s[strlen(BEGIN) + 40] = '\0';
	assert_int_equal(statickey_parse(s, strlen(s) + 10, &(struct statickey){ 0 },
					 buf, sizeof(buf)), -EINVAL);
	assert_non_null(strstr(buf, "0x00"));
	free(s);
	free(hex);
}

static void test_load(void **state)
{
	char path[] = "/tmp/test_statickey.XXXXXX";
	struct statickey k, want;
	char err[256];
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, vec_key_ta, strlen(vec_key_ta)),
			 (ssize_t)strlen(vec_key_ta));
	close(fd);
	assert_int_equal(statickey_load(path, &k, err, sizeof(err)), 0);
	assert_int_equal(parse_str(vec_key_ta, &want, err), 0);
	assert_memory_equal(k.raw, want.raw, sizeof(k.raw));
	unlink(path);
	assert_int_equal(statickey_load(path, &k, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genkey_file),
		cmocka_unit_test(test_layout_and_directions),
		cmocka_unit_test(test_dir_parse),
		cmocka_unit_test(test_tolerated),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
