/*
 * management-external-key (see tls_extkey.h) through OpenSSL's EC_KEY and
 * RSA methods: a key whose private operations call the signer. These
 * interfaces are deprecated in OpenSSL 3 but still complete; they keep the
 * key a "legacy" one that libssl signs with directly.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ctl/tls_extkey.h"

#define EXTKEY_SIG_MAX 1024

/* Where a key finds its signer (one ex_data index per key type, made
 * once; the methods are shared and constant once made). */
struct extkey_kit {
	int ec_idx, rsa_idx;
	EC_KEY_METHOD *ec;
	RSA_METHOD *rsa;
};

static struct extkey_kit *extkey_kit(void)
{
	static struct extkey_kit kit = { -1, -1, NULL, NULL };

	return &kit;
}

static ECDSA_SIG *ec_sign_sig(const unsigned char *dgst, int dlen,
			      const BIGNUM *kinv, const BIGNUM *r, EC_KEY *ec)
{
	const struct tls_ext_signer *s = EC_KEY_get_ex_data(ec, extkey_kit()->ec_idx);
	uint8_t sig[EXTKEY_SIG_MAX];
	const unsigned char *p = sig;
	size_t len = sizeof(sig);

	(void)kinv;
	(void)r;
	if (!s || dlen < 0 || s->sign(s->ctx, "ECDSA", dgst, (size_t)dlen, sig,
				      &len))
		return NULL;
	return d2i_ECDSA_SIG(NULL, &p, (long)len);
}

static int ec_sign(int type, const unsigned char *dgst, int dlen,
		   unsigned char *sig, unsigned int *siglen, const BIGNUM *kinv,
		   const BIGNUM *r, EC_KEY *ec)
{
	ECDSA_SIG *es = ec_sign_sig(dgst, dlen, kinv, r, ec);
	int n;

	(void)type;
	if (!es)
		return 0;
	n = i2d_ECDSA_SIG(es, &sig);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return 0;
	*siglen = (unsigned)n;
	return 1;
}

static int rsa_priv_enc(int flen, const unsigned char *from, unsigned char *to,
			RSA *rsa, int padding)
{
	const struct tls_ext_signer *s = RSA_get_ex_data(rsa, extkey_kit()->rsa_idx);
	size_t len = (size_t)RSA_size(rsa);
	const char *alg = padding == RSA_PKCS1_PADDING ? "RSA_PKCS1_PADDING" :
			  padding == RSA_NO_PADDING ? "RSA_NO_PADDING" : NULL;

	if (!s || !alg || flen < 0 ||
	    s->sign(s->ctx, alg, from, (size_t)flen, to, &len))
		return -1;
	return (int)len;
}

static int extkey_kit_make(struct extkey_kit *k)
{
	if (k->ec)
		return 0;
	k->ec_idx = EC_KEY_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	k->rsa_idx = RSA_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	k->rsa = RSA_meth_dup(RSA_PKCS1_OpenSSL());
	k->ec = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
	if (k->ec_idx < 0 || k->rsa_idx < 0 || !k->rsa || !k->ec)
		return -ENOMEM;
	RSA_meth_set_priv_enc(k->rsa, rsa_priv_enc);
	RSA_meth_set1_name(k->rsa, "dcovpn management-external-key");
	EC_KEY_METHOD_set_sign(k->ec, ec_sign, NULL, ec_sign_sig);
	return 0;
}

/* A copy of the public key whose private side is the signer. */
static EVP_PKEY *extkey_wrap(EVP_PKEY *pub, const struct tls_ext_signer *s)
{
	struct extkey_kit *k = extkey_kit();
	EVP_PKEY *pk = EVP_PKEY_new();
	EC_KEY *ec = NULL;
	RSA *rsa = NULL;

	if (!pk)
		return NULL;
	if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC)
		ec = EC_KEY_dup(EVP_PKEY_get0_EC_KEY(pub));
	else if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA)
		rsa = RSAPublicKey_dup(EVP_PKEY_get0_RSA(pub));
	if (ec && EC_KEY_set_method(ec, k->ec) &&
	    EC_KEY_set_ex_data(ec, k->ec_idx, (void *)s) &&
	    EVP_PKEY_assign_EC_KEY(pk, ec))
		return pk;
	if (rsa && RSA_set_method(rsa, k->rsa) &&
	    RSA_set_ex_data(rsa, k->rsa_idx, (void *)s) &&
	    EVP_PKEY_assign_RSA(pk, rsa))
		return pk;
	EC_KEY_free(ec);
	RSA_free(rsa);
	EVP_PKEY_free(pk);
	return NULL;
}

int tls_extkey_use(SSL_CTX *sctx, const struct tls_ext_signer *s, char *err,
		   size_t errlen)
{
	X509 *cert = SSL_CTX_get0_certificate(sctx);
	EVP_PKEY *pk = NULL;
	int ret = -EINVAL;

	if (extkey_kit_make(extkey_kit()))
		ret = -ENOMEM;
	else if (cert && X509_get0_pubkey(cert))
		pk = extkey_wrap(X509_get0_pubkey(cert), s);
	if (pk && SSL_CTX_use_PrivateKey(sctx, pk))
		ret = 0;
	if (ret)
		snprintf(err, errlen, "management-external-key: cannot use the "
			 "certificate's key (RSA or EC needed)");
	EVP_PKEY_free(pk);
	ERR_clear_error();
	return ret;
}
