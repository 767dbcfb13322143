/*
 * management-external-key (see tls_extkey.h): what the manager is asked
 * to sign, in OpenVPN 2.6's forms. The key is a dcovpn-extkey provider key
 * (tls_xkeyprov.c), so each request arrives whole: the message, the
 * digest, the padding and the PSS salt length. Then, as 2.6 does:
 *
 *   EC        "ECDSA" over the digest, or with the digest flag
 *             "ECDSA,hashalg=SHA256,data=message" over the message
 *   PKCS#1    (pkcs1 flag, the default) "RSA_PKCS1_PADDING" over the
 *             DigestInfo, or ",hashalg=SHA256,data=message"
 *   PSS       (pss flag) "RSA_PKCS1_PSS_PADDING,hashalg=SHA256,
 *             saltlen=digest" over the digest (",data=message" likewise)
 *   EdDSA     "ED25519,data=message" / "ED448,data=message" over the
 *             message, whatever the flags (EdDSA signs no digest)
 *
 * Where 2.6 gives up (the manager lacks the padding asked for but offers
 * nopadding), dcovpn pads the digest itself and asks "RSA_NO_PADDING".
 * The RSA_PKCS1_PSS/PKCS1 padding helpers used for that are deprecated in
 * OpenSSL 3 but complete.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "base/log.h"
#include "ctl/tls_extkey.h"
#include "ctl/tls_xkeyprov.h"

#define EXTKEY_BLOCK_MAX 1024   /* an 8192-bit RSA block */

/* What goes to the manager for one request. */
struct extkey_ask {
	char alg[128];
	uint8_t buf[EXTKEY_BLOCK_MAX];  /* digest, DigestInfo or block */
	const uint8_t *data;
	size_t len;
	bool is_digest;
};

enum extkey_how { EXTKEY_EC, EXTKEY_ED, EXTKEY_PKCS1, EXTKEY_PSS, EXTKEY_RAW,
		  EXTKEY_PAD_HERE, EXTKEY_NONE };

static enum extkey_how extkey_how(const struct xkey_req *r, unsigned flags)
{
	bool pkcs1 = !strcmp(r->pad, "pkcs1"), pss = !strcmp(r->pad, "pss");

	if (r->ec)
		return EXTKEY_EC;
	if (r->eddsa)
		return EXTKEY_ED;
	if (pkcs1 && (flags & TLS_EXTKEY_PKCS1))
		return EXTKEY_PKCS1;
	if (pss && (flags & TLS_EXTKEY_PSS))
		return EXTKEY_PSS;
	if (!pkcs1 && !pss && (flags & TLS_EXTKEY_NOPADDING) && r->is_digest)
		return EXTKEY_RAW;
	if ((pkcs1 || pss) && (flags & TLS_EXTKEY_NOPADDING))
		return EXTKEY_PAD_HERE;
	return EXTKEY_NONE;
}

/* The digest of the message, unless the manager takes messages (the
 * digest flag) and needs no padding done here. */
static int extkey_digest(struct extkey_ask *a, const struct xkey_req *r,
			 bool want)
{
	EVP_MD *md = NULL;
	unsigned n = 0;
	int ok;

	a->data = r->tbs;
	a->len = r->tbslen;
	a->is_digest = r->is_digest;
	if (r->is_digest || !want)
		return 0;
	md = r->md ? EVP_MD_fetch(NULL, r->md, NULL) : NULL;
	ok = md && EVP_Digest(r->tbs, r->tbslen, a->buf, &n, md, NULL);
	EVP_MD_free(md);
	if (!ok)
		return -EINVAL;
	a->data = a->buf;
	a->len = n;
	a->is_digest = true;
	return 0;
}

/* PKCS#1 v1.5's DigestInfo around the digest in @a (TLS 1.0/1.1's
 * MD5-SHA1 goes bare). */
static int extkey_digestinfo(struct extkey_ask *a, const char *mdname)
{
	int nid = mdname ? OBJ_sn2nid(mdname) : NID_undef;
	X509_SIG *xs = X509_SIG_new();
	X509_ALGOR *alg = NULL;
	ASN1_OCTET_STRING *dg = NULL;
	uint8_t der[EVP_MAX_MD_SIZE + 32], *p = der;
	int n = -1;

	if (nid == NID_md5_sha1) {
		X509_SIG_free(xs);
		return 0;
	}
	if (xs && nid != NID_undef) {
		X509_SIG_getm(xs, &alg, &dg);
		if (X509_ALGOR_set0(alg, OBJ_nid2obj(nid), V_ASN1_NULL, NULL) &&
		    ASN1_OCTET_STRING_set(dg, a->data, (int)a->len) &&
		    i2d_X509_SIG(xs, NULL) <= (int)sizeof(der))
			n = i2d_X509_SIG(xs, &p);
	}
	X509_SIG_free(xs);
	if (n <= 0)
		return -EINVAL;
	memcpy(a->buf, der, (size_t)n);
	a->data = a->buf;
	a->len = (size_t)n;
	return 0;
}

/* The whole RSA block, padded here (PKCS#1 type 1 or PSS). */
static int extkey_pad(struct extkey_ask *a, const struct xkey_req *r)
{
	RSA *rsa = (RSA *)EVP_PKEY_get0_RSA(r->pub);
	int size = rsa ? RSA_size(rsa) : 0, ok = 0;
	uint8_t in[EVP_MAX_MD_SIZE + 32];
	const EVP_MD *md = r->md ? EVP_get_digestbyname(r->md) : NULL;

	if (!md || size <= 0 || size > EXTKEY_BLOCK_MAX ||
	    a->len > sizeof(in))
		return -EINVAL;
	if (!strcmp(r->pad, "pss")) {
		memcpy(in, a->data, a->len);
		ok = RSA_padding_add_PKCS1_PSS_mgf1(rsa, a->buf, in, md, md,
			!strcmp(r->saltlen, "digest") ? RSA_PSS_SALTLEN_DIGEST :
			RSA_PSS_SALTLEN_MAX);
	} else if (!extkey_digestinfo(a, r->md) && a->len <= sizeof(in)) {
		memcpy(in, a->data, a->len);
		ok = RSA_padding_add_PKCS1_type_1(a->buf, size, in, (int)a->len);
	}
	a->data = a->buf;
	a->len = (size_t)size;
	return ok ? 0 : -EINVAL;
}

static int extkey_ask_make(struct extkey_ask *a, const struct xkey_req *r,
			   unsigned flags)
{
	enum extkey_how how = extkey_how(r, flags);
	bool here = how == EXTKEY_PAD_HERE || how == EXTKEY_RAW;
	const char *md = r->md ? r->md : "none";
	int ret;

	if (how == EXTKEY_NONE) {
		log_err("RSA padding mode not supported by management-client "
			"<%s>", r->pad);
		return -ENOTSUP;
	}
	ret = extkey_digest(a, r, how != EXTKEY_ED &&
			    (here || !(flags & TLS_EXTKEY_DIGEST)));
	if (!ret && how == EXTKEY_PKCS1 && a->is_digest)
		ret = extkey_digestinfo(a, r->md);
	if (!ret && how == EXTKEY_PAD_HERE)
		ret = extkey_pad(a, r);
	if (ret)
		return ret;
	if (how == EXTKEY_EC)
		snprintf(a->alg, sizeof(a->alg), a->is_digest ? "ECDSA" :
			 "ECDSA,hashalg=%s", md);
	else if (how == EXTKEY_ED)
		snprintf(a->alg, sizeof(a->alg), "%s", r->eddsa);
	else if (how == EXTKEY_PKCS1)
		snprintf(a->alg, sizeof(a->alg), a->is_digest ?
			 "RSA_PKCS1_PADDING" : "RSA_PKCS1_PADDING,hashalg=%s", md);
	else if (how == EXTKEY_PSS)
		snprintf(a->alg, sizeof(a->alg), "RSA_PKCS1_PSS_PADDING,"
			 "hashalg=%s,saltlen=%s", md, r->saltlen);
	else
		snprintf(a->alg, sizeof(a->alg), "RSA_NO_PADDING");
	if (!a->is_digest)
		strncat(a->alg, ",data=message", sizeof(a->alg) - strlen(a->alg) - 1);
	return 0;
}

static int extkey_sign(const void *arg, const struct xkey_req *r,
		       uint8_t *sig, size_t *siglen)
{
	const struct tls_ext_signer *s = arg;
	struct extkey_ask a;
	int ret = extkey_ask_make(&a, r, s->flags);

	if (!ret)
		ret = s->sign(s->ctx, a.alg, a.data, a.len, sig, siglen);
	OPENSSL_cleanse(&a, sizeof(a));
	return ret;
}

int tls_extkey_use(SSL_CTX *sctx, const struct tls_ext_signer *s, char *err,
		   size_t errlen)
{
	X509 *cert = SSL_CTX_get0_certificate(sctx);
	const struct xkeyprov_signer ps = { extkey_sign, s };
	EVP_PKEY *pk = NULL;
	int ret = -EINVAL;

	if (cert && X509_get0_pubkey(cert))
		pk = xkeyprov_key(X509_get0_pubkey(cert), &ps);
	if (pk && SSL_CTX_use_PrivateKey(sctx, pk))
		ret = 0;
	if (ret)
		snprintf(err, errlen, "management-external-key: cannot use the "
			 "certificate's key (RSA, EC, Ed25519 or Ed448 needed)");
	EVP_PKEY_free(pk);
	ERR_clear_error();
	return ret;
}
