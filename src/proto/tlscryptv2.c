/* tls-crypt-v2 key files and WKc handling (tlscryptv2.h). */
#include "proto/tlscryptv2.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/bytes.h"
#include "base/mem.h"

static const char pem_client[] = "OpenVPN tls-crypt-v2 client key";
static const char pem_server[] = "OpenVPN tls-crypt-v2 server key";

/* Base64 of 256 + 1024 bytes is ~1.8 kB; room for comments around it. */
#define KEYFILE_TEXT_MAX 8192

/* Decoded PEM body, owned by OpenSSL until pem_done(). */
struct pem_body {
	unsigned char *data;
	long len;
};

static void pem_done(struct pem_body *b)
{
	if (b->data)
		OPENSSL_secure_clear_free(b->data, (size_t)b->len);
	*b = (struct pem_body){ 0 };
}

/* Read the first PEM block from @bio and insist on its name. */
static int pem_read(BIO *bio, const char *want, struct pem_body *b, char *err,
		    size_t err_len)
{
	char *name = NULL, *header = NULL;
	int ret = 0;

	*b = (struct pem_body){ 0 };
	/* PEM_FLAG_SECURE: OpenSSL's own copies of the key are wiped on free. */
	if (!bio || !PEM_read_bio_ex(bio, &name, &header, &b->data, &b->len,
				     PEM_FLAG_SECURE | PEM_FLAG_EAY_COMPATIBLE)) {
		snprintf(err, err_len, "no %s PEM block", want);
		ret = -EINVAL;
	} else if (strcmp(name, want) != 0) {
		snprintf(err, err_len, "PEM block is \"%.60s\", not \"%s\"", name,
			 want);
		ret = -EINVAL;
	}
	OPENSSL_secure_free(name);
	OPENSSL_secure_free(header);
	if (ret)
		pem_done(b);
	return ret;
}

/* ----------------------------------------------------------- client key */

static int client_from_body(const struct pem_body *b,
			    struct tlscryptv2_client_key *out, char *err,
			    size_t err_len)
{
	size_t n = (size_t)b->len, wkc_len;

	if (n < STATICKEY_BYTES + TLSCRYPTV2_WKC_MIN ||
	    n > STATICKEY_BYTES + TLSCRYPTV2_WKC_MAX) {
		snprintf(err, err_len,
			 "client key has %zu bytes, need %u to %u", n,
			 STATICKEY_BYTES + TLSCRYPTV2_WKC_MIN,
			 STATICKEY_BYTES + TLSCRYPTV2_WKC_MAX);
		return -EINVAL;
	}
	wkc_len = n - STATICKEY_BYTES;
	if (load_be16(b->data + n - TLSCRYPTV2_LEN_LEN) != wkc_len) {
		snprintf(err, err_len, "WKc length field says %u, WKc has %zu bytes",
			 load_be16(b->data + n - TLSCRYPTV2_LEN_LEN), wkc_len);
		return -EINVAL;
	}
	memcpy(out->kc.raw, b->data, STATICKEY_BYTES);
	memcpy(out->wkc, b->data + STATICKEY_BYTES, wkc_len);
	out->wkc_len = wkc_len;
	return 0;
}

static int client_from_bio(BIO *bio, struct tlscryptv2_client_key *out,
			   char *err, size_t err_len)
{
	struct pem_body b;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = pem_read(bio, pem_client, &b, err, err_len);
	if (ret)
		return ret;
	ret = client_from_body(&b, out, err, err_len);
	pem_done(&b);
	if (ret)
		tlscryptv2_client_wipe(out);
	return ret;
}

int tlscryptv2_client_parse(const char *text, size_t len,
			    struct tlscryptv2_client_key *out, char *err,
			    size_t err_len)
{
	BIO *bio;
	int ret;

	if (len > INT_MAX) {
		snprintf(err, err_len, "too large for a key file");
		return -EINVAL;
	}
	bio = BIO_new_mem_buf(text, (int)len);
	ret = client_from_bio(bio, out, err, err_len);
	BIO_free(bio);
	return ret;
}

/* Read all of a small file into @buf (wiped by the caller). */
static int read_small(const char *path, char *buf, size_t cap, size_t *len,
		      char *err, size_t err_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int ret = 0;

	*len = 0;
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "%s: cannot open: %s", path, strerror(-ret));
		return ret;
	}
	while (*len < cap && (n = read(fd, buf + *len, cap - *len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, err_len, "%s: read: %s", path, strerror(-ret));
			break;
		}
		*len += (size_t)n;
	}
	if (!ret && *len == cap) {
		snprintf(err, err_len, "%s: too large for a key file", path);
		ret = -EINVAL;
	}
	close(fd);
	return ret;
}

/* Read @path and hand its text to @parse; errors name the file. */
static int load_key_file(const char *path,
			 int (*parse)(const char *, size_t, void *, char *, size_t),
			 void *out, size_t out_size, char *err, size_t err_len)
{
	char buf[KEYFILE_TEXT_MAX], why[160];
	size_t len;
	int ret;

	memset(out, 0, out_size);
	ret = read_small(path, buf, sizeof(buf), &len, err, err_len);
	if (!ret) {
		ret = parse(buf, len, out, why, sizeof(why));
		if (ret)
			snprintf(err, err_len, "%s: %s", path, why);
	}
	mem_wipe(buf, len);
	return ret;
}

static int parse_client(const char *text, size_t len, void *out, char *err,
			size_t err_len)
{
	return tlscryptv2_client_parse(text, len, out, err, err_len);
}

static int parse_server(const char *text, size_t len, void *out, char *err,
			size_t err_len)
{
	return tlscryptv2_server_parse(text, len, out, err, err_len);
}

int tlscryptv2_client_load(const char *path, struct tlscryptv2_client_key *out,
			   char *err, size_t err_len)
{
	return load_key_file(path, parse_client, out, sizeof(*out), err,
			     err_len);
}

void tlscryptv2_client_wipe(struct tlscryptv2_client_key *ck)
{
	mem_wipe(ck, sizeof(*ck));
}

int tlscryptv2_client_wrap_key(const struct tlscryptv2_client_key *ck,
			       struct tlswrap_key *k)
{
	return tlswrap_key_init(k, TLSWRAP_CRYPT, &ck->kc,
				tlswrap_crypt_dir(false), NULL);
}

int tlscryptv2_append_wkc(const struct tlscryptv2_client_key *ck, uint8_t *pkt,
			  size_t len, size_t cap, size_t *out_len)
{
	if (len == 0 || !tlscryptv2_opcode_has_wkc(pkt[0])) {
		*out_len = len;
		return 0;
	}
	if (cap < len || cap - len < ck->wkc_len)
		return -ENOSPC;
	memcpy(pkt + len, ck->wkc, ck->wkc_len);
	*out_len = len + ck->wkc_len;
	return 0;
}

int tlscryptv2_split_wkc(const uint8_t *pkt, size_t len, size_t *wrapped_len,
			 const uint8_t **wkc, size_t *wkc_len)
{
	size_t n;

	if (len < TLSWRAP_CRYPT_OFF_CT + TLSCRYPTV2_WKC_MIN)
		return -EBADMSG;
	n = load_be16(pkt + len - TLSCRYPTV2_LEN_LEN);
	if (n < TLSCRYPTV2_WKC_MIN || n > TLSCRYPTV2_WKC_MAX ||
	    n > len - TLSWRAP_CRYPT_OFF_CT)
		return -EBADMSG;
	*wrapped_len = len - n;
	*wkc = pkt + len - n;
	*wkc_len = n;
	return 0;
}

/* ----------------------------------------------------------- server key */

int tlscryptv2_server_parse(const char *text, size_t len,
			    struct tlscryptv2_server_key *out, char *err,
			    size_t err_len)
{
	struct pem_body b;
	BIO *bio;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len > INT_MAX) {
		snprintf(err, err_len, "too large for a key file");
		return -EINVAL;
	}
	bio = BIO_new_mem_buf(text, (int)len);
	ret = pem_read(bio, pem_server, &b, err, err_len);
	BIO_free(bio);
	if (ret)
		return ret;
	if (b.len != TLSCRYPTV2_SERVER_KEY_BYTES) {
		snprintf(err, err_len, "server key has %ld bytes, need %u", b.len,
			 TLSCRYPTV2_SERVER_KEY_BYTES);
		ret = -EINVAL;
	} else {
		memcpy(out->ke, b.data, sizeof(out->ke));
		memcpy(out->ka, b.data + STATICKEY_PART_BYTES, sizeof(out->ka));
	}
	pem_done(&b);
	return ret;
}

int tlscryptv2_server_load(const char *path, struct tlscryptv2_server_key *out,
			   char *err, size_t err_len)
{
	return load_key_file(path, parse_server, out, sizeof(*out), err,
			     err_len);
}

void tlscryptv2_server_wipe(struct tlscryptv2_server_key *sk)
{
	mem_wipe(sk, sizeof(*sk));
}

int tlscryptv2_server_wrap_key(const struct statickey *kc,
			       struct tlswrap_key *k)
{
	return tlswrap_key_init(k, TLSWRAP_CRYPT, kc, tlswrap_crypt_dir(true),
				NULL);
}

/* @tag = HMAC-SHA256(Ka, @buf) */
static int wkc_tag(const struct tlscryptv2_server_key *sk, const uint8_t *buf,
		   size_t n, uint8_t tag[TLSCRYPTV2_TAG_LEN])
{
	size_t got = 0;

	if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, sk->ka,
		       sizeof(sk->ka), buf, n, tag, TLSCRYPTV2_TAG_LEN, &got) ||
	    got != TLSCRYPTV2_TAG_LEN)
		return -EIO;
	return 0;
}

/* @buf = len (2) | Kc | metadata, decrypted from WKc; check its tag. */
static int wkc_verify(const struct tlscryptv2_server_key *sk,
		      const uint8_t *buf, size_t n, const uint8_t *tag)
{
	uint8_t check[TLSCRYPTV2_TAG_LEN];
	int ret = wkc_tag(sk, buf, n, check);

	if (!ret)
		ret = CRYPTO_memcmp(check, tag, sizeof(check)) ? -EBADMSG : 0;
	mem_wipe(check, sizeof(check));
	return ret;
}

/* AES-256-CTR both ways */
static int wkc_crypt(const struct tlscryptv2_server_key *sk,
		     const uint8_t *iv, const uint8_t *in, size_t n,
		     uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0, ret = -EIO;

	if (ctx &&
	    EVP_EncryptInit_ex2(ctx, EVP_aes_256_ctr(), sk->ke, iv, NULL) &&
	    EVP_EncryptUpdate(ctx, out, &outl, in, (int)n) && (size_t)outl == n)
		ret = 0;
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

int tlscryptv2_wrap_client_key(const struct tlscryptv2_server_key *sk,
			       const struct statickey *kc, const uint8_t *meta,
			       size_t meta_len, uint8_t *wkc, size_t cap,
			       size_t *wkc_len)
{
	uint8_t buf[TLSCRYPTV2_LEN_LEN + TLSCRYPTV2_WKC_MAX];
	size_t body = STATICKEY_BYTES + meta_len;
	size_t n = TLSCRYPTV2_TAG_LEN + body + TLSCRYPTV2_LEN_LEN;
	int ret;

	if (meta_len > TLSCRYPTV2_METADATA_MAX || cap < n)
		return -EINVAL;
	/* tag over len | Kc | metadata; the same in clear, encrypted */
	store_be16(buf, (uint16_t)n);
	memcpy(buf + TLSCRYPTV2_LEN_LEN, kc->raw, STATICKEY_BYTES);
	if (meta_len)
		memcpy(buf + TLSCRYPTV2_LEN_LEN + STATICKEY_BYTES, meta, meta_len);
	ret = wkc_tag(sk, buf, TLSCRYPTV2_LEN_LEN + body, wkc);
	if (!ret)
		ret = wkc_crypt(sk, wkc, buf + TLSCRYPTV2_LEN_LEN, body,
				wkc + TLSCRYPTV2_TAG_LEN);
	if (!ret) {
		store_be16(wkc + n - TLSCRYPTV2_LEN_LEN, (uint16_t)n);
		*wkc_len = n;
	}
	mem_wipe(buf, sizeof(buf));
	return ret;
}

int tlscryptv2_unwrap_wkc(const struct tlscryptv2_server_key *sk,
			  const uint8_t *wkc, size_t wkc_len,
			  struct statickey *kc, uint8_t *meta, size_t meta_cap,
			  size_t *meta_len)
{
	uint8_t buf[TLSCRYPTV2_LEN_LEN + TLSCRYPTV2_WKC_MAX];
	size_t ct_len, m;
	int ret;

	if (wkc_len < TLSCRYPTV2_WKC_MIN || wkc_len > TLSCRYPTV2_WKC_MAX ||
	    load_be16(wkc + wkc_len - TLSCRYPTV2_LEN_LEN) != wkc_len)
		return -EBADMSG;
	ct_len = wkc_len - TLSCRYPTV2_TAG_LEN - TLSCRYPTV2_LEN_LEN;
	m = ct_len - STATICKEY_BYTES;
	if (m > meta_cap)
		return -ENOSPC;
	memcpy(buf, wkc + wkc_len - TLSCRYPTV2_LEN_LEN, TLSCRYPTV2_LEN_LEN);
	ret = wkc_crypt(sk, wkc, wkc + TLSCRYPTV2_TAG_LEN, ct_len,
			  buf + TLSCRYPTV2_LEN_LEN);
	if (!ret)
		ret = wkc_verify(sk, buf, TLSCRYPTV2_LEN_LEN + ct_len, wkc);
	if (!ret) {
		memcpy(kc->raw, buf + TLSCRYPTV2_LEN_LEN, STATICKEY_BYTES);
		if (m)
			memcpy(meta, buf + TLSCRYPTV2_LEN_LEN + STATICKEY_BYTES, m);
		*meta_len = m;
	}
	mem_wipe(buf, sizeof(buf));
	return ret;
}

int tlscryptv2_server_client_key(const struct tlscryptv2_server_key *sk,
				 const uint8_t *pkt, size_t len,
				 size_t *wrapped_len, struct statickey *kc,
				 uint8_t *meta, size_t meta_cap,
				 size_t *meta_len)
{
	uint8_t scratch[TLSCRYPTV2_METADATA_MAX];
	const uint8_t *wkc;
	size_t wkc_len, m = 0;
	int ret;

	if (len == 0 || !tlscryptv2_opcode_has_wkc(pkt[0]))
		return -EBADMSG;
	ret = tlscryptv2_split_wkc(pkt, len, wrapped_len, &wkc, &wkc_len);
	if (ret)
		return ret;
	if (!meta) {
		meta = scratch;
		meta_cap = sizeof(scratch);
	}
	ret = tlscryptv2_unwrap_wkc(sk, wkc, wkc_len, kc, meta, meta_cap, &m);
	if (meta_len)
		*meta_len = ret ? 0 : m;
	mem_wipe(scratch, sizeof(scratch));
	return ret;
}
