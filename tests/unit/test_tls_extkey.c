/*
 * management-external-key's key (src/ctl/tls_extkey.c on the provider of
 * tls_xkeyprov.c), without TLS: signatures are made with EVP_DigestSign on
 * the SSL_CTX's key as libssl makes them (PSS with saltlen "digest", or
 * PKCS#1); a fake manager records what it is asked and signs with the real
 * private key as the request says; every signature must verify with the
 * certificate's key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "ctl/tls_extkey.h"

struct fake_mgr {
	EVP_PKEY *priv;
	char alg[160];
	size_t inlen;
	int calls;
};

/* PSS over SHA-256 of the whole message (",data=message") */
static int fake_sign_message(struct fake_mgr *m, const uint8_t *in,
			     size_t inlen, uint8_t *sig, size_t *siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	int ok = EVP_DigestSignInit(md, &pc, EVP_sha256(), NULL, m->priv) == 1 &&
		 EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) == 1 &&
		 EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) == 1 &&
		 EVP_DigestSign(md, sig, siglen, in, inlen) == 1;

	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

/* The raw private operation for the padded forms, else a sign with the
 * padding the request names (a digest is signed as is). */
static int fake_sign(void *ctx, const char *alg, const uint8_t *in,
		     size_t inlen, uint8_t *sig, size_t *siglen)
{
	struct fake_mgr *m = ctx;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(m->priv, NULL);
	int ok = c && EVP_PKEY_sign_init(c) == 1;

	snprintf(m->alg, sizeof(m->alg), "%s", alg);
	m->inlen = inlen;
	m->calls++;
	if (strstr(alg, ",data=message")) {
		EVP_PKEY_CTX_free(c);
		return fake_sign_message(m, in, inlen, sig, siglen);
	}
	if (ok && !strcmp(alg, "RSA_NO_PADDING"))
		ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_NO_PADDING) == 1;
	else if (ok && !strncmp(alg, "RSA_PKCS1_PSS_PADDING,hashalg=SHA256", 36))
		ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(c, RSA_PSS_SALTLEN_DIGEST) == 1;
	else if (ok && !strcmp(alg, "RSA_PKCS1_PADDING"))
		ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1;
	ok = ok && EVP_PKEY_sign(c, sig, siglen, in, inlen) == 1;
	EVP_PKEY_CTX_free(c);
	return ok ? 0 : -1;
}

static X509 *self_signed(EVP_PKEY *k)
{
	X509 *x = X509_new();

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"extkey", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, k);
	X509_sign(x, k, EVP_sha256());
	return x;
}

/* Sign "message" through the SSL_CTX's external key as libssl does
 * (@pss: RSA-PSS, saltlen digest), verify with the public key; what the
 * manager was asked is in @m. */
static int sign_via(EVP_PKEY *priv, unsigned flags, bool pss,
		    struct fake_mgr *m)
{
	static const uint8_t msg[] = "message to sign";
	SSL_CTX *sctx = SSL_CTX_new(TLS_client_method());
	X509 *x = self_signed(priv);
	struct tls_ext_signer s = { fake_sign, m, flags };
	EVP_MD_CTX *md = EVP_MD_CTX_new(), *mv = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL, *vc = NULL;
	uint8_t sig[1024];
	size_t siglen = sizeof(sig);
	char err[200];
	int ok;

	m->priv = priv;
	assert_int_equal(SSL_CTX_use_certificate(sctx, x), 1);
	assert_int_equal(tls_extkey_use(sctx, &s, err, sizeof(err)), 0);
	ok = EVP_DigestSignInit(md, &pc, EVP_sha256(), NULL,
				SSL_CTX_get0_privatekey(sctx)) == 1;
	if (ok && pss)
		ok = EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) == 1;
	ok = ok && EVP_DigestSign(md, sig, &siglen, msg, sizeof(msg)) == 1;
	if (ok) {
		assert_int_equal(EVP_DigestVerifyInit(mv, &vc, EVP_sha256(), NULL,
						      X509_get0_pubkey(x)), 1);
		if (pss)
			assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(
				vc, RSA_PKCS1_PSS_PADDING), 1);
		assert_int_equal(EVP_DigestVerify(mv, sig, siglen, msg,
						  sizeof(msg)), 1);
	}
	EVP_MD_CTX_free(md);
	EVP_MD_CTX_free(mv);
	X509_free(x);
	SSL_CTX_free(sctx);
	return ok;
}

static EVP_PKEY *rsa_key(void)
{
	static EVP_PKEY *k;

	if (!k)
		k = EVP_RSA_gen(2048);
	return k;
}

static void test_rsa_pss(void **state)
{
	struct fake_mgr m = { 0 };

	(void)state;
	assert_true(sign_via(rsa_key(), TLS_EXTKEY_PSS, true, &m));
	assert_string_equal(m.alg, "RSA_PKCS1_PSS_PADDING,hashalg=SHA256,"
			    "saltlen=digest");
	assert_int_equal(m.inlen, 32);          /* the digest */
}

static void test_rsa_pkcs1(void **state)
{
	struct fake_mgr m = { 0 };

	(void)state;
	assert_true(sign_via(rsa_key(), TLS_EXTKEY_PKCS1, false, &m));
	assert_string_equal(m.alg, "RSA_PKCS1_PADDING");
	assert_int_equal(m.inlen, 19 + 32);     /* DigestInfo(SHA-256) */
}

static void test_rsa_digest_flag(void **state)
{
	struct fake_mgr m = { 0 };

	(void)state;
	/* the manager hashes: the whole message goes */
	assert_true(sign_via(rsa_key(), TLS_EXTKEY_PSS | TLS_EXTKEY_DIGEST,
			     true, &m));
	assert_string_equal(m.alg, "RSA_PKCS1_PSS_PADDING,hashalg=SHA256,"
			    "saltlen=digest,data=message");
	assert_int_equal(m.inlen, sizeof("message to sign"));
}

/* Only nopadding: padded here (PSS and PKCS#1), the whole block asked */
static void test_rsa_nopadding(void **state)
{
	struct fake_mgr m = { 0 };

	(void)state;
	assert_true(sign_via(rsa_key(), TLS_EXTKEY_NOPADDING, true, &m));
	assert_string_equal(m.alg, "RSA_NO_PADDING");
	assert_int_equal(m.inlen, 256);
	assert_true(sign_via(rsa_key(), TLS_EXTKEY_NOPADDING, false, &m));
	assert_string_equal(m.alg, "RSA_NO_PADDING");
	assert_int_equal(m.calls, 2);
}

/* pkcs1 only and PSS wanted (TLS 1.3): refused before asking, as 2.6 */
static void test_rsa_unsupported(void **state)
{
	struct fake_mgr m = { 0 };

	(void)state;
	assert_false(sign_via(rsa_key(), TLS_EXTKEY_PKCS1, true, &m));
	assert_int_equal(m.calls, 0);
}

static void test_ec(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	struct fake_mgr m = { 0 };

	(void)state;
	assert_true(sign_via(k, TLS_EXTKEY_PKCS1, false, &m));
	assert_string_equal(m.alg, "ECDSA");
	assert_int_equal(m.inlen, 32);
	EVP_PKEY_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_pss),
		cmocka_unit_test(test_rsa_pkcs1),
		cmocka_unit_test(test_rsa_digest_flag),
		cmocka_unit_test(test_rsa_nopadding),
		cmocka_unit_test(test_rsa_unsupported),
		cmocka_unit_test(test_ec),
	};
	int ret = cmocka_run_group_tests(tests, NULL, NULL);

	EVP_PKEY_free(rsa_key());
	return ret;
}
