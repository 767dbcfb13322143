/* dcovpn --genkey: key files as openvpn writes them. See genkey.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "conf/statickey.h"
#include "daemon/genkey.h"
#include "proto/tlscryptv2.h"

#define GENKEY_TEXT_MAX 4096u
#define GENKEY_PEM_RAW_BYTES 128u   /* openvpn's struct key */

struct genkey_args {
	const char *type;
	const char *file;        /* NULL: stdout */
	const char *metadata;    /* tls-crypt-v2-client: base64, or NULL */
	const char *v2_server;   /* --tls-crypt-v2 FILE */
};

bool genkey_requested(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--genkey"))
			return true;
	return false;
}

static bool is_option(const char *s)
{
	return s[0] == '-' && s[1] == '-';
}

static int parse_args(int argc, char **argv, struct genkey_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--tls-crypt-v2") && i + 1 < argc) {
			a->v2_server = argv[++i];
		} else if (!strcmp(argv[i], "--secret") && i + 1 < argc) {
			a->type = "secret";     /* --genkey --secret FILE */
			a->file = argv[++i];
		} else if (!strcmp(argv[i], "--genkey")) {
			if (i + 1 < argc && !is_option(argv[i + 1]))
				a->type = argv[++i];
			if (i + 1 < argc && !is_option(argv[i + 1]))
				a->file = argv[++i];
			if (i + 1 < argc && !is_option(argv[i + 1]))
				a->metadata = argv[++i];
		} else if (!strcmp(argv[i], "--verb") && i + 1 < argc) {
			i++;
		} else {
			fprintf(stderr, "Options error: --genkey: unexpected '%s'\n",
				argv[i]);
			return -EINVAL;
		}
	}
	if (!a->type)
		a->type = "secret";
	return 0;
}

/* Write @len bytes to @path (0600, replaced) or stdout. */
static int write_out(const char *path, const char *text, size_t len)
{
	int fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			     0600) : STDOUT_FILENO;
	size_t done = 0;
	int ret = 0;

	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, "--genkey: cannot create %s: %s\n", path,
			strerror(errno));
		return ret;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = -errno;
			fprintf(stderr, "--genkey: write %s: %s\n",
				path ? path : "stdout", strerror(errno));
			break;
		}
		done += (size_t)n;
	}
	if (path && close(fd) && !ret) {
		ret = -errno;
		fprintf(stderr, "--genkey: close %s: %s\n", path, strerror(errno));
	}
	return ret;
}

static int write_static_key(const char *path)
{
	static const char head[] = "#\n# 2048 bit OpenVPN static key\n#\n"
				   "-----BEGIN OpenVPN Static key V1-----\n";
	static const char tail[] = "-----END OpenVPN Static key V1-----\n";
	char text[GENKEY_TEXT_MAX];
	struct statickey k;
	size_t n = 0;
	int ret = -EIO;

	if (RAND_bytes(k.raw, sizeof(k.raw)) != 1)
		goto out;
	n += (size_t)snprintf(text, sizeof(text), "%s", head);
	for (size_t i = 0; i < sizeof(k.raw); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%02x%s",
				      k.raw[i], i % 16 == 15 ? "\n" : "");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", tail);
	ret = write_out(path, text, n);
out:
	statickey_wipe(&k);
	mem_wipe(text, sizeof(text));
	return ret;
}

/* PEM "-----BEGIN @name-----" around base64 of @data, as openvpn's
 * crypto_pem_encode (OpenSSL's PEM writer, 64-column lines). */
static int write_pem(const char *path, const char *name, const uint8_t *data,
		     size_t len)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	char *text = NULL;
	long n;
	int ret = -EIO;

	if (bio && PEM_write_bio(bio, name, "", data, (long)len) > 0 &&
	    (n = BIO_get_mem_data(bio, &text)) > 0)
		ret = write_out(path, text, (size_t)n);
	BIO_free(bio);  /* secure memory: cleared on free */
	return ret;
}

static int write_random_pem(const char *path, const char *name)
{
	uint8_t raw[GENKEY_PEM_RAW_BYTES];
	int ret = -EIO;

	if (RAND_bytes(raw, sizeof(raw)) == 1)
		ret = write_pem(path, name, raw, sizeof(raw));
	mem_wipe(raw, sizeof(raw));
	return ret;
}

/* Metadata: type USER + the decoded base64 argument, or TIMESTAMP + the
 * 64-bit Unix time (openvpn's default). */
static int v2_metadata(const char *b64, uint8_t *meta, size_t *len)
{
	size_t n, pad = 0;
	int dec;

	if (!b64) {
		meta[0] = TLSCRYPTV2_METADATA_TIMESTAMP;
		store_be64(meta + 1, (uint64_t)time(NULL));
		*len = 9;
		return 0;
	}
	n = strlen(b64);
	if (n == 0 || n % 4 || n / 4 * 3 > TLSCRYPTV2_METADATA_MAX - 1u + 2u)
		goto bad;
	pad = (b64[n - 1] == '=') + (n > 1 && b64[n - 2] == '=');
	dec = EVP_DecodeBlock(meta + 1, (const unsigned char *)b64, (int)n);
	if (dec < 0 || (size_t)dec - pad > TLSCRYPTV2_METADATA_MAX - 1u)
		goto bad;
	meta[0] = TLSCRYPTV2_METADATA_USER;
	*len = 1u + (size_t)dec - pad;
	return 0;
bad:
	fprintf(stderr, "--genkey tls-crypt-v2-client: metadata must be base64 "
		"of at most %u bytes\n", TLSCRYPTV2_METADATA_MAX - 1u);
	return -EINVAL;
}

static int write_v2_client(const struct genkey_args *a)
{
	struct {
		struct statickey kc;
		uint8_t wkc[TLSCRYPTV2_WKC_MAX];
	} key;
	uint8_t meta[TLSCRYPTV2_METADATA_MAX + 3];
	struct tlscryptv2_server_key sk;
	char err[256];
	size_t meta_len, wkc_len;
	int ret;

	if (!a->v2_server) {
		fprintf(stderr, "--genkey tls-crypt-v2-client needs the server "
			"key: --tls-crypt-v2 SERVER-KEY\n");
		return -EINVAL;
	}
	ret = tlscryptv2_server_load(a->v2_server, &sk, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "--tls-crypt-v2: %s\n", err);
		return ret;
	}
	ret = v2_metadata(a->metadata, meta, &meta_len);
	if (!ret && RAND_bytes(key.kc.raw, sizeof(key.kc.raw)) != 1)
		ret = -EIO;
	if (!ret)
		ret = tlscryptv2_wrap_client_key(&sk, &key.kc, meta, meta_len,
						 key.wkc, sizeof(key.wkc),
						 &wkc_len);
	if (!ret)
		ret = write_pem(a->file, "OpenVPN tls-crypt-v2 client key",
				(const uint8_t *)&key, STATICKEY_BYTES + wkc_len);
	tlscryptv2_server_wipe(&sk);
	mem_wipe(&key, sizeof(key));
	return ret;
}

int genkey_main(int argc, char **argv)
{
	struct genkey_args a;
	int ret;

	if (parse_args(argc, argv, &a))
		return 1;
	if (!strcmp(a.type, "secret") || !strcmp(a.type, "tls-auth") ||
	    !strcmp(a.type, "tls-crypt"))
		ret = write_static_key(a.file);
	else if (!strcmp(a.type, "tls-crypt-v2-server"))
		ret = write_random_pem(a.file, "OpenVPN tls-crypt-v2 server key");
	else if (!strcmp(a.type, "tls-crypt-v2-client"))
		ret = write_v2_client(&a);
	else if (!strcmp(a.type, "auth-token"))
		ret = write_random_pem(a.file, "OpenVPN auth-token server key");
	else {
		fprintf(stderr, "Options error: --genkey: unknown key type '%s' "
			"(secret, tls-auth, tls-crypt, tls-crypt-v2-server, "
			"tls-crypt-v2-client, auth-token)\n", a.type);
		return 1;
	}
	return ret ? 1 : 0;
}
