/*
 * data64.key, the test bed's static key (keyfile.h, PROTOCOL.md 8.1): base64
 * with whitespace anywhere, decoding to at least 72 bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/errbuf.h"
#include "base/mem.h"
#include "conf/keyfile.h"

/* The shipped files are 350 bytes; anything this large is not a key. */
#define KEYFILE_MAX_BYTES 65536u

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static bool is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static void bad_char(char c, size_t pad, size_t line, size_t col, char *err,
		     size_t err_len)
{
	const char *why = "bad character";

	if (c == '=')
		why = "too much '=' padding";
	else if (is_b64(c) && pad)
		why = "data after '=' padding";
	if (c > ' ' && c < 0x7f)
		errbuf_set(err, err_len, "not base64 at line %zu, column %zu: %s '%c'",
			   line, col, why, c);
	else
		errbuf_set(err, err_len, "not base64 at line %zu, column %zu: %s 0x%02x",
			   line, col, why, (unsigned char)c);
}

/*
 * Copy the base64 characters of @text to @out without whitespace, checking
 * each: '=' only as the last one or two. Returns the count, or -EINVAL with
 * the position (line and column, 1-based) of the first bad character.
 */
static long strip(const char *text, size_t len, char *out, size_t *pad,
		  char *err, size_t err_len)
{
	size_t i, n = 0, line = 1, col = 0;

	*pad = 0;
	for (i = 0; i < len; i++) {
		char c = text[i];

		col++;
		if (c == '\n') {
			line++;
			col = 0;
			continue;
		}
		if (is_space(c))
			continue;
		if ((c == '=' && *pad < 2) || (is_b64(c) && *pad == 0)) {
			*pad += c == '=';
			out[n++] = c;
			continue;
		}
		bad_char(c, *pad, line, col, err, err_len);
		return -EINVAL;
	}
	return (long)n;
}

static int decode(const char *b64, size_t n, size_t pad, uint8_t *out,
		  size_t *out_len, char *err, size_t err_len)
{
	int got;

	if (n > INT_MAX) {
		errbuf_set(err, err_len, "too large for a key");
		return -EINVAL;
	}
	if (n % 4) {
		errbuf_set(err, err_len, "base64 is cut short (%zu characters, "
			   "not a multiple of 4)", n);
		return -EINVAL;
	}
	got = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
	if (got < 0) {
		errbuf_set(err, err_len, "not base64");
		return -EINVAL;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes; they are not data. */
	*out_len = (size_t)got - pad;
	return 0;
}

int keyfile_parse_data64(const char *text, size_t len, struct data64_key *out,
			 char *err, size_t err_len)
{
	size_t pad, raw_len = 0;
	char *b64 = NULL;
	uint8_t *raw = NULL;
	long n;
	int ret = -ENOMEM;

	*out = (struct data64_key){ 0 };
	b64 = malloc(len + 1);
	raw = malloc(len / 4 * 3 + 3);
	if (!b64 || !raw) {
		errbuf_set(err, err_len, "out of memory");
		goto out_free;
	}
	n = strip(text, len, b64, &pad, err, err_len);
	ret = n < 0 ? (int)n : 0;
	if (ret)
		goto out_free;
	ret = -EINVAL;
	if (n == 0) {
		errbuf_set(err, err_len, "empty: no base64 key data");
		goto out_free;
	}
	ret = decode(b64, (size_t)n, pad, raw, &raw_len, err, err_len);
	if (ret)
		goto out_free;
	if (raw_len < KEYFILE_MIN_BYTES) {
		errbuf_set(err, err_len, "decodes to %zu bytes, need at least %u",
			   raw_len, KEYFILE_MIN_BYTES);
		ret = -EINVAL;
		goto out_free;
	}
	memcpy(out->a, raw, sizeof(out->a));
	memcpy(out->b, raw + sizeof(out->a), sizeof(out->b));
	memcpy(out->nonce_tail, raw + sizeof(out->a) + sizeof(out->b),
	       sizeof(out->nonce_tail));
out_free:
	mem_wipe(b64, len + 1);
	mem_wipe(raw, len / 4 * 3 + 3);
	free(b64);
	free(raw);
	return ret;
}

/* Read all of @fd (at most KEYFILE_MAX_BYTES) into @buf; bytes or -errno. */
static ssize_t read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got < cap) {
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int keyfile_load_data64(const char *path, struct data64_key *out, char *err,
			size_t err_len)
{
	char *buf, reason[160];
	ssize_t n;
	int fd, ret;

	*out = (struct data64_key){ 0 };
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		errbuf_set(err, err_len, "%s: cannot open: %s", path, strerror(-ret));
		return ret;
	}
	/* One byte more than allowed, to tell "too large" from "just fits". */
	buf = malloc(KEYFILE_MAX_BYTES + 1);
	if (!buf) {
		ret = -ENOMEM;
		errbuf_set(err, err_len, "%s: out of memory", path);
		goto out_close;
	}
	n = read_all(fd, buf, KEYFILE_MAX_BYTES + 1);
	if (n < 0) {
		ret = (int)n;
		errbuf_set(err, err_len, "%s: cannot read: %s", path, strerror(-ret));
	} else if (n == 0) {
		ret = -EINVAL;
		errbuf_set(err, err_len, "%s: empty file", path);
	} else if (n > (ssize_t)KEYFILE_MAX_BYTES) {
		ret = -EINVAL;
		errbuf_set(err, err_len, "%s: too large for a key file (over %u bytes)",
			   path, KEYFILE_MAX_BYTES);
	} else {
		ret = keyfile_parse_data64(buf, (size_t)n, out, reason, sizeof(reason));
		if (ret)
			errbuf_set(err, err_len, "%s: %s", path, reason);
	}
	mem_wipe(buf, KEYFILE_MAX_BYTES + 1);
	free(buf);
out_close:
	close(fd);
	return ret;
}

void keyfile_to_key_config(const struct data64_key *k, int direction,
			   struct dco_key_config *cfg)
{
	/* Direction 0 sends with A and receives with B; 1 the other way. */
	const uint8_t *tx = direction == 1 ? k->b : k->a;
	const uint8_t *rx = direction == 1 ? k->a : k->b;

	mem_wipe(&cfg->encrypt, sizeof(cfg->encrypt));
	mem_wipe(&cfg->decrypt, sizeof(cfg->decrypt));
	memcpy(cfg->encrypt.key, tx, sizeof(k->a));
	memcpy(cfg->decrypt.key, rx, sizeof(k->b));
	memcpy(cfg->encrypt.nonce_tail, k->nonce_tail, sizeof(k->nonce_tail));
	memcpy(cfg->decrypt.nonce_tail, k->nonce_tail, sizeof(k->nonce_tail));
}

void keyfile_wipe(struct data64_key *k)
{
	mem_wipe(k, sizeof(*k));
}
