/*
 * The lists come from what dcovpn would accept, not from everything OpenSSL
 * has: the data channel's AEAD ciphers, the digests tls-auth can key an HMAC
 * with, the TLS suites a context made from these options offers (tls.c sets
 * them as for a connection), the groups tls-groups accepts.
 */
#include "daemon/show.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/tls.h"
#include "dcovpn/dco.h"

#define HMAC_MAX_BYTES 64	/* tls-auth's largest HMAC (proto/tlswrap) */

bool show_requested(const struct options *o)
{
	return o->show_ciphers || o->show_digests || o->show_tls ||
	       o->show_groups;
}

static void show_ciphers(FILE *f)
{
	fprintf(f, "The data channel ciphers dcovpn can use, as parameters of\n"
		"--data-ciphers (or --cipher). The CBC ones are the legacy\n"
		"data channel, authenticated with --auth (no static key mode).\n\n");
	for (int c = DCO_CIPHER_AES_128_GCM; c <= DCO_CIPHER_AES_256_CBC; c++) {
		const char *name = dco_cipher_name((enum dco_cipher)c);
		EVP_CIPHER *e = EVP_CIPHER_fetch(NULL, name, NULL);

		if (!e)		/* not offered by this OpenSSL (FIPS) */
			continue;
		EVP_CIPHER_free(e);
		/* openvpn's words: the CBC ones lack the mode note (they
		 * would work in its static key mode) */
		fprintf(f, "%s  (%zu bit key, %s%s)\n",
			name, dco_cipher_key_len((enum dco_cipher)c) * 8,
			c == DCO_CIPHER_CHACHA20_POLY1305 ? "stream cipher" :
			"128 bit block",
			dco_cipher_is_cbc((enum dco_cipher)c) ? "" :
			", TLS client/server mode only");
	}
	fprintf(f, "\n");
}

/* An HMAC can be keyed with @md: what tls-auth needs of --auth. */
static bool hmac_works(EVP_MD *md)
{
	static const unsigned char key[32], msg[1];
	unsigned char out[EVP_MAX_MD_SIZE];
	size_t len = 0;
	int size = EVP_MD_get_size(md);

	if (size <= 0 || size > HMAC_MAX_BYTES ||
	    (EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF))
		return false;
	return EVP_Q_mac(NULL, "HMAC", NULL, EVP_MD_get0_name(md), NULL, key,
			 sizeof(key), msg, sizeof(msg), out, sizeof(out),
			 &len) != NULL;
}

static void print_digest(EVP_MD *md, void *arg)
{
	int nid = EVP_MD_get_type(md);
	const char *name = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;

	if (!hmac_works(md))
		return;
	fprintf(arg, "%s %d bit digest size\n",
		name ? name : EVP_MD_get0_name(md), EVP_MD_get_size(md) * 8);
}

static void show_digests(FILE *f)
{
	fprintf(f, "The message digests dcovpn can use with --auth, for the "
		"HMAC of\n--tls-auth (the AEAD data channel needs none).\n"
		"See also openssl list -digest-algorithms\n\n");
	EVP_MD_do_all_provided(NULL, print_digest, f);
	ERR_clear_error();
	fprintf(f, "\n");
}

/* One list of --show-tls: the suites of TLS 1.3, or of 1.2 and older. */
static int show_tls_list(FILE *f, const struct tls_config *cfg, bool tls13)
{
	char err[256];
	SSL_CTX *sctx = SSL_CTX_new(TLS_method());
	SSL *ssl = NULL;
	STACK_OF(SSL_CIPHER) *sk = NULL;
	int ret = -1;

	if (!sctx || tls_apply_ciphers(sctx, cfg, err, sizeof(err))) {
		fprintf(stderr, "Options error: %s\n", sctx ? err : "no SSL_CTX");
		goto out;
	}
	if (tls13)
		SSL_CTX_set_min_proto_version(sctx, TLS1_3_VERSION);
	else
		SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION);
	ssl = SSL_new(sctx);
	sk = ssl ? SSL_get1_supported_ciphers(ssl) : NULL;
	for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
		const char *std = SSL_CIPHER_standard_name(c);

		if (tls13 || !std) {	/* 1.3 suites go by their own names */
			fprintf(f, "%s\n", SSL_CIPHER_get_name(c));
			continue;
		}
		/* OpenVPN writes the IANA name with '-' for '_' */
		for (const char *p = std; *p; p++)
			fputc(*p == '_' ? '-' : *p, f);
		fputc('\n', f);
	}
	ret = 0;
out:
	sk_SSL_CIPHER_free(sk);
	SSL_free(ssl);
	SSL_CTX_free(sctx);
	ERR_clear_error();
	return ret;
}

static int show_tls(FILE *f, const struct options *o)
{
	struct tls_config cfg = { .cipher = o->tls_cipher,
				  .ciphersuites = o->tls_ciphersuites,
				  .cert_profile = (enum tls_cert_profile)
						  o->tls_cert_profile };

	fprintf(f, "Available TLS Ciphers, listed in order of preference:\n");
	fprintf(f, "\nFor TLS 1.3 and newer (--tls-ciphersuites):\n\n");
	if (show_tls_list(f, &cfg, true))
		return -1;
	fprintf(f, "\nFor TLS 1.2 and older (--tls-cipher):\n\n");
	if (show_tls_list(f, &cfg, false))
		return -1;
	fprintf(f, "\nWhether a suite listed here is used depends on what "
		"both peers allow\n(--tls-cipher, --tls-ciphersuites, "
		"--tls-version-min/-max).\n\n");
	return 0;
}

/* tls-groups accepts @name: a context takes it as its only group. */
static bool group_works(SSL_CTX *sctx, const char *name)
{
	bool ok = name && SSL_CTX_set1_groups_list(sctx, name) == 1;

	ERR_clear_error();
	return ok;
}

static void show_groups(FILE *f)
{
	static const char *const more[] = { "X25519", "X448", "ffdhe2048",
		"ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192" };
	SSL_CTX *sctx = SSL_CTX_new(TLS_method());
	size_t n = EC_get_builtin_curves(NULL, 0);
	EC_builtin_curve *curves = n ? calloc(n, sizeof(*curves)) : NULL;

	fprintf(f, "The groups dcovpn can use for the TLS key exchange, as "
		"parameters of\n--tls-groups. See also openssl ecparam "
		"-list_curves\n\nAvailable Elliptic curves/groups:\n");
	if (curves)
		n = EC_get_builtin_curves(curves, n);
	for (size_t i = 0; sctx && curves && i < n; i++) {
		const char *name = OBJ_nid2sn(curves[i].nid);

		if (group_works(sctx, name))
			fprintf(f, "%s\n", name);
	}
	for (size_t i = 0; sctx && i < sizeof(more) / sizeof(more[0]); i++)
		if (group_works(sctx, more[i]))
			fprintf(f, "%s\n", more[i]);
	free(curves);
	SSL_CTX_free(sctx);
}

int show_print(const struct options *o, FILE *f)
{
	int ret = 0;

	if (o->show_ciphers)
		show_ciphers(f);
	if (o->show_digests)
		show_digests(f);
	if (o->show_tls)
		ret = show_tls(f, o);
	if (o->show_groups && !ret)
		show_groups(f);
	return ret;
}
