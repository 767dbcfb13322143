/* data64.key parsing: the shipped layouts, and every way a file is refused. */
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
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "conf/keyfile.h"

/* Python's base64.encodebytes(bytes(range(256))): 5 lines of <= 76, as the
 * drivers ship data64.key. */
static const char five_lines[] =
	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\n"
	"OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx\n"
	"cnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmq\n"
	"q6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj\n"
	"5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==\n";
/* base64 of bytes(range(72)), (71) and (70): the edge of "long enough",
 * with 0, 1 and 2 padding characters. */
static const char b64_72[] =
	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1"
	"Njc4OTo7PD0+P0BBQkNERUZH";
static const char b64_71[] =
	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1"
	"Njc4OTo7PD0+P0BBQkNERUY=";
static const char b64_70[] =
	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1"
	"Njc4OTo7PD0+P0BBQkNERQ==";

static void expect_counting(const struct data64_key *k)
{
	unsigned i;

	for (i = 0; i < 32; i++) {
		assert_int_equal(k->a[i], i);
		assert_int_equal(k->b[i], 32 + i);
	}
	for (i = 0; i < 8; i++)
		assert_int_equal(k->nonce_tail[i], 64 + i);
}

static int parse(const char *text, struct data64_key *k, char *err, size_t err_len)
{
	return keyfile_parse_data64(text, strlen(text), k, err, err_len);
}

static void expect_error(const char *text, const char *want)
{
	struct data64_key k;
	char err[160] = "";

	assert_int_equal(parse(text, &k, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not contain \"%s\"", err, want);
	/* Nothing half-parsed is left behind. */
	assert_true(k.a[1] == 0 && k.b[1] == 0 && k.nonce_tail[1] == 0);
}

static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	char *out = calloc(1, strlen(s) * (tl + 1) + 1), *o = out;

	assert_non_null(out);
	while (*s) {
		if (strncmp(s, from, fl) == 0) {
			memcpy(o, to, tl);
			o += tl;
			s += fl;
		} else {
			*o++ = *s++;
		}
	}
	return out;
}

static void test_five_lines(void **state)
{
	struct data64_key k;
	char err[128] = "";

	(void)state;
	assert_int_equal(parse(five_lines, &k, err, sizeof(err)), 0);
	expect_counting(&k);
	keyfile_wipe(&k);
	assert_int_equal(k.a[5], 0);
}

static void test_one_line_crlf_spaces(void **state)
{
	char *one = replace_all(five_lines, "\n", "");
	char *crlf = replace_all(five_lines, "\n", "\r\n");
	char *spaced = replace_all(five_lines, "A", " \tA ");
	struct data64_key k;
	char err[128] = "";

	(void)state;
	assert_int_equal(parse(one, &k, err, sizeof(err)), 0);
	expect_counting(&k);
	assert_int_equal(parse(crlf, &k, err, sizeof(err)), 0);
	expect_counting(&k);
	assert_int_equal(parse(spaced, &k, err, sizeof(err)), 0);
	expect_counting(&k);
	free(one);
	free(crlf);
	free(spaced);
}

static void test_lengths_and_padding(void **state)
{
	struct data64_key k;
	char err[128] = "";

	(void)state;
	assert_int_equal(parse(b64_72, &k, err, sizeof(err)), 0);
	expect_counting(&k);
	/* The padding is not data: 71 and 70 bytes, not 72. */
	expect_error(b64_71, "decodes to 71 bytes, need at least 72");
	expect_error(b64_70, "decodes to 70 bytes, need at least 72");
	expect_error("AAAA", "decodes to 3 bytes");
}

static void test_bad_input(void **state)
{
	(void)state;
	expect_error("", "empty");
	expect_error(" \r\n\t\n", "empty");
	expect_error("AAAA\nAAA*AAAA\n", "line 2, column 4");
	expect_error("AAAA\nAAA*AAAA\n", "'*'");
	expect_error("AAAA\x01", "line 1, column 5");
	expect_error("AAAA\x01", "0x01");
	expect_error("AA==AAAA", "data after '=' padding");
	expect_error("AA===", "too much '=' padding");
	expect_error("AAAAA", "not a multiple of 4");
	expect_error("-----BEGIN OpenVPN Static key V1-----", "line 1, column 1");
}

static void test_error_buffer_edges(void **state)
{
	struct data64_key k;
	char tiny[8];

	(void)state;
	assert_int_equal(parse("!", &k, NULL, 0), -EINVAL);
	memset(tiny, 'x', sizeof(tiny));
	assert_int_equal(parse("!", &k, tiny, sizeof(tiny)), -EINVAL);
	assert_int_equal(tiny[sizeof(tiny) - 1], '\0');
	/* Not NUL-terminated input: only @len bytes count. */
	assert_int_equal(keyfile_parse_data64(b64_72, 72, &k, NULL, 0), -EINVAL);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_load_files(void **state)
{
	char dir[] = "/tmp/crypto-keyfile-XXXXXX", path[64], err[256];
	uint8_t raw[256], b64[400];
	char text[420];
	struct data64_key k;
	size_t n, i, o = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/data64.key", dir);

	/* A fresh random key laid out like the drivers' file. */
	assert_int_equal(RAND_bytes(raw, sizeof(raw)), 1);
	n = (size_t)EVP_EncodeBlock(b64, raw, sizeof(raw));
	for (i = 0; i < n; i += 76) {
		size_t chunk = n - i < 76 ? n - i : 76;

		memcpy(text + o, b64 + i, chunk);
		o += chunk;
		text[o++] = '\n';
	}
	write_file(path, text, o);
	assert_int_equal(keyfile_load_data64(path, &k, err, sizeof(err)), 0);
	assert_memory_equal(k.a, raw, 32);
	assert_memory_equal(k.b, raw + 32, 32);
	assert_memory_equal(k.nonce_tail, raw + 64, 8);

	write_file(path, "", 0);
	assert_int_equal(keyfile_load_data64(path, &k, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "empty file"));

	write_file(path, b64_70, strlen(b64_70));
	assert_int_equal(keyfile_load_data64(path, &k, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "decodes to 70 bytes"));
	assert_int_equal(unlink(path), 0);

	assert_int_equal(keyfile_load_data64(path, &k, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "cannot open"));
	/* A directory opens but cannot be read. */
	assert_true(keyfile_load_data64(dir, &k, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, dir));
	assert_int_equal(rmdir(dir), 0);
	keyfile_wipe(&k);
}

static void test_direction(void **state)
{
	struct dco_key_config c0, c1;
	struct data64_key k;
	unsigned i;

	(void)state;
	assert_int_equal(parse(five_lines, &k, NULL, 0), 0);
	memset(&c0, 0xee, sizeof(c0));
	memset(&c1, 0xee, sizeof(c1));
	keyfile_to_key_config(&k, 0, &c0);
	keyfile_to_key_config(&k, 1, &c1);
	for (i = 0; i < 32; i++) {
		assert_int_equal(c0.encrypt.key[i], i);
		assert_int_equal(c0.decrypt.key[i], 32 + i);
		assert_int_equal(c1.encrypt.key[i], 32 + i);
		assert_int_equal(c1.decrypt.key[i], i);
	}
	for (i = 0; i < 8; i++) {
		assert_int_equal(c0.encrypt.nonce_tail[i], 64 + i);
		assert_int_equal(c0.decrypt.nonce_tail[i], 64 + i);
		assert_int_equal(c1.encrypt.nonce_tail[i], 64 + i);
		assert_int_equal(c1.decrypt.nonce_tail[i], 64 + i);
	}
	dco_key_config_wipe(&c0);
	dco_key_config_wipe(&c1);
	keyfile_wipe(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_five_lines),
		cmocka_unit_test(test_one_line_crlf_spaces),
		cmocka_unit_test(test_lengths_and_padding),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_error_buffer_edges),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_direction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
