/* OpenVPN static key files: parsing and key-direction slicing. */
#include "conf/statickey.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "base/mem.h"

static const char statickey_begin[] = "-----BEGIN OpenVPN Static key V1-----";
static const char statickey_end[] = "-----END OpenVPN Static key V1-----";

/* A key file is a few hundred bytes; anything far larger is not one. */
#define STATICKEY_FILE_MAX 16384

struct hexparse {
	struct statickey *out;
	size_t nibbles;
	unsigned int lineno;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* True if [p, p+n) is @marker with only surrounding whitespace. */
static bool line_is(const char *p, size_t n, const char *marker)
{
	size_t mlen = strlen(marker);

	while (n && is_space(*p)) {
		p++;
		n--;
	}
	while (n && is_space(p[n - 1]))
		n--;
	return n == mlen && memcmp(p, marker, mlen) == 0;
}

static int hex_line(struct hexparse *hp, const char *p, size_t n, char *err,
		    size_t err_len)
{
	for (size_t i = 0; i < n; i++) {
		int v;

		if (is_space(p[i]))
			continue;
		v = OPENSSL_hexchar2int((unsigned char)p[i]);
		if (v < 0) {
			snprintf(err, err_len,
				 "line %u: character 0x%02x is not a hex digit",
				 hp->lineno, (unsigned char)p[i]);
			return -EINVAL;
		}
		if (hp->nibbles >= 2 * STATICKEY_BYTES) {
			snprintf(err, err_len, "line %u: more than %u key bytes",
				 hp->lineno, STATICKEY_BYTES);
			return -EINVAL;
		}
		if (hp->nibbles % 2 == 0)
			hp->out->raw[hp->nibbles / 2] = (uint8_t)(v << 4);
		else
			hp->out->raw[hp->nibbles / 2] |= (uint8_t)v;
		hp->nibbles++;
	}
	return 0;
}

/* Walk the lines; 1 when END was seen, 0 if not, -EINVAL on bad data. */
static int scan_lines(struct hexparse *hp, const char *text, size_t len,
		      char *err, size_t err_len)
{
	bool in_data = false;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *line = text + pos;
		int ret;

		hp->lineno++;
		pos += n + (nl ? 1 : 0);
		if (!in_data) {
			in_data = line_is(line, n, statickey_begin);
			continue;
		}
		if (line_is(line, n, statickey_end))
			return 1;
		ret = hex_line(hp, line, n, err, err_len);
		if (ret)
			return ret;
	}
	if (!in_data) {
		snprintf(err, err_len, "no %s line", statickey_begin);
		return -EINVAL;
	}
	return 0;
}

int statickey_parse(const char *text, size_t len, struct statickey *out,
		    char *err, size_t err_len)
{
	struct hexparse hp = { .out = out };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = scan_lines(&hp, text, len, err, err_len);
	if (ret < 0)
		goto err_wipe;
	if (ret == 0) {
		snprintf(err, err_len, "no %s line", statickey_end);
		goto err_inval;
	}
	if (hp.nibbles != 2 * STATICKEY_BYTES) {
		snprintf(err, err_len, "%zu%s of %u key bytes", hp.nibbles / 2,
			 hp.nibbles % 2 ? ".5" : "", STATICKEY_BYTES);
		goto err_inval;
	}
	return 0;

err_inval:
	ret = -EINVAL;
err_wipe:
	statickey_wipe(out);
	return ret;
}

int statickey_load(const char *path, struct statickey *out, char *err,
		   size_t err_len)
{
	char buf[STATICKEY_FILE_MAX];
	char why[160];
	size_t len = 0;
	ssize_t n;
	int ret, fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "%s: cannot open: %s", path, strerror(-ret));
		return ret;
	}
	while (len < sizeof(buf) &&
	       (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, err_len, "%s: read: %s", path, strerror(-ret));
			goto out;
		}
		len += (size_t)n;
	}
	if (len == sizeof(buf)) {
		snprintf(err, err_len, "%s: too large for a key file", path);
		ret = -EINVAL;
		goto out;
	}
	ret = statickey_parse(buf, len, out, why, sizeof(why));
	if (ret)
		snprintf(err, err_len, "%s: %s", path, why);
out:
	mem_wipe(buf, len);
	close(fd);
	return ret;
}

int statickey_dir_parse(const char *arg, enum statickey_dir *out)
{
	if (!arg)
		*out = STATICKEY_DIR_NONE;
	else if (strcmp(arg, "0") == 0)
		*out = STATICKEY_DIR_NORMAL;
	else if (strcmp(arg, "1") == 0)
		*out = STATICKEY_DIR_INVERSE;
	else
		return -EINVAL;
	return 0;
}

static const uint8_t *key_cipher(const struct statickey *k, unsigned int i)
{
	return k->raw + i * 2 * STATICKEY_PART_BYTES;
}

static const uint8_t *key_hmac(const struct statickey *k, unsigned int i)
{
	return key_cipher(k, i) + STATICKEY_PART_BYTES;
}

int statickey_slice(const struct statickey *k, enum statickey_dir dir,
		    struct statickey_slices *s)
{
	unsigned int send_i, recv_i;

	switch (dir) {
	case STATICKEY_DIR_NONE:
		send_i = 0;
		recv_i = 0;
		break;
	case STATICKEY_DIR_NORMAL:
		send_i = 0;
		recv_i = 1;
		break;
	case STATICKEY_DIR_INVERSE:
		send_i = 1;
		recv_i = 0;
		break;
	default:
		return -EINVAL;
	}
	s->send_cipher = key_cipher(k, send_i);
	s->send_hmac = key_hmac(k, send_i);
	s->recv_cipher = key_cipher(k, recv_i);
	s->recv_hmac = key_hmac(k, recv_i);
	return 0;
}

void statickey_wipe(struct statickey *k)
{
	mem_wipe(k, sizeof(*k));
}
