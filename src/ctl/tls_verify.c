/*
 * The verify callback (tls_int.h): OpenVPN's checks (fingerprints, key
 * usage, verify-x509-name, remote-cert-tls, crl-verify directory) on top
 * of OpenSSL's chain verification.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/safename.h"
#include "ctl/tls.h"
#include "ctl/tls_int.h"
#include "ctl/tls_usage.h"
#include "ctl/tls_username.h"

/* ------------------------------------------------------- verification */


/* @x's digest (SHA-256, or SHA1 for verify-hash) in the list? Its hex form
 * into @hex for the log if not. */
static bool fpr_known(const struct tls_ctx *ctx, X509 *x, char *hex,
		      size_t hexlen)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (!X509_digest(x, ctx->fpr_len == 20 ? EVP_sha1() : EVP_sha256(), md,
			 &n) || n != ctx->fpr_len)
		return false;
	for (size_t i = 0; i < ctx->n_fprs; i++) {
		if (!CRYPTO_memcmp(ctx->fprs[i], md, n))
			return true;
	}
	for (unsigned i = 0; i < n && 3 * i + 3 <= hexlen; i++)
		snprintf(hex + 3 * i, hexlen - 3 * i, "%s%02x", i ? ":" : "",
			 md[i]);
	return false;
}

/* peer-fingerprint at depth 0, verify-hash at depth 1, as OpenVPN's
 * message says either way. */
static bool fpr_ok(struct tls_session *s, X509 *x, int depth)
{
	char hex[3 * EVP_MAX_MD_SIZE];

	if (!s->ctx->n_fprs || (unsigned)depth != s->ctx->fpr_depth ||
	    fpr_known(s->ctx, x, hex, sizeof(hex)))
		return true;
	errbuf_set(tls_verify_errbuf(s), TLS_ERR_LEN, "TLS Error: "
		   "--tls-verify/--peer-fingerprint certificate hash verification "
		   "failed. (got certificate fingerprint: %s)", hex);
	return false;
}

/* remote-cert-tls: key usage present (OpenSSL checks its value) and the EKU. */
static bool usage_ok(const struct tls_ctx *ctx, X509 *x)
{
	int want = ctx->remote_cert == TLS_REMOTE_CERT_SERVER ? XKU_SSL_SERVER :
		   XKU_SSL_CLIENT;

	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE))
		return false;
	if (!(X509_get_extension_flags(x) & EXFLAG_XKUSAGE))
		return false;
	return (X509_get_extended_key_usage(x) & (uint32_t)want) != 0;
}

static bool x509_name_ok(const struct tls_ctx *ctx, const char *subject,
			 const char *cn)
{
	switch (ctx->x509_type) {
	case TLS_X509_NAME:
		return !strcmp(ctx->x509_name, cn);
	case TLS_X509_NAME_PREFIX:
		return !strncmp(ctx->x509_name, cn, strlen(ctx->x509_name));
	case TLS_X509_SUBJECT:
	default:
		return !strcmp(ctx->x509_name, subject);
	}
}

/* The peer's name (the CN, or x509-username-field), mapped as OpenVPN
 * maps it; a certificate without it is refused, as OpenVPN refuses it. */
static bool verify_name(struct tls_session *s, X509 *x, const char *subject,
			char *name, size_t len)
{
	int ret = tls_cert_username(x, (const char *const *)s->ctx->user_fields,
				    s->ctx->n_user_fields, name, len);

	if (ret == -E2BIG)
		errbuf_set(tls_verify_errbuf(s), TLS_ERR_LEN, "VERIFY ERROR: "
			   "could not append %s from X509 certificate -- note that "
			   "the username length is limited to %u characters", name,
			   SAFENAME_MAX - 1);
	else if (ret)
		errbuf_set(tls_verify_errbuf(s), TLS_ERR_LEN, "VERIFY ERROR: "
			   "could not extract %s from X509 subject string ('%s') -- "
			   "note that the field length is limited to %u characters",
			   name, subject, SAFENAME_FIELD_MAX);
	return ret == 0;
}

/* OpenVPN's checks on the peer's leaf; fills s->verify_err on failure. */
static bool verify_leaf(struct tls_session *s, X509 *x, const char *subject)
{
	const struct tls_ctx *ctx = s->ctx;
	char cn[SAFENAME_MAX], why[160];

	if (ctx->remote_cert != TLS_REMOTE_CERT_ANY && !usage_ok(ctx, x)) {
		errbuf_set(tls_verify_errbuf(s), TLS_ERR_LEN, "VERIFY KU/EKU ERROR:"
			   " %s lacks key usage or extended key usage %s", subject,
			   ctx->remote_cert == TLS_REMOTE_CERT_SERVER ?
			   "TLS Web Server Authentication" :
			   "TLS Web Client Authentication");
		return false;
	}
	if (ctx->ku && !tls_usage_ku_ok(x, ctx->ku_values, ctx->n_ku, why,
					sizeof(why))) {
		errbuf_set(tls_verify_errbuf(s), TLS_ERR_LEN,
			   "VERIFY KU ERROR: %s: %s", subject, why);
		return false;
	}
	if (ctx->eku && !tls_usage_eku_ok(x, ctx->eku, why, sizeof(why))) {
		errbuf_set(tls_verify_errbuf(s), TLS_ERR_LEN,
			   "VERIFY EKU ERROR: %s: %s", subject, why);
		return false;
	}
	if (!verify_name(s, x, subject, cn, sizeof(cn)))
		return false;
	if (ctx->x509_name && !x509_name_ok(ctx, subject, cn)) {
		errbuf_set(tls_verify_errbuf(s), TLS_ERR_LEN,
			   "VERIFY X509NAME ERROR: %s, must be %s", subject,
			   ctx->x509_name);
		return false;
	}
	return true;
}

int tls_verify_cb(int preverify_ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs,
					      SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_session *s = ssl ? SSL_get_app_data(ssl) : NULL;
	X509 *x = X509_STORE_CTX_get_current_cert(xs);
	int depth = X509_STORE_CTX_get_error_depth(xs);
	int e = X509_STORE_CTX_get_error(xs);
	char subject[160], serial[64];

	if (!s || !x)
		return 0;
	tls_cert_subject(x, subject, sizeof(subject));
	if (!preverify_ok && !s->ctx->no_ca) {
		/* OpenVPN logs and ignores a missing CRL. */
		if (e == X509_V_ERR_UNABLE_TO_GET_CRL)
			return 1;
		errbuf_set(tls_verify_errbuf(s), TLS_ERR_LEN,
			   "VERIFY ERROR: depth=%d, error=%s: %s", depth,
			   X509_verify_cert_error_string(e), subject);
		return 0;
	}
	if (depth == 0 && s->ctx->crl.dir &&
	    tls_crl_dir_revoked(&s->ctx->crl, x, serial, sizeof(serial))) {
		errbuf_set(tls_verify_errbuf(s), TLS_ERR_LEN,
			   "VERIFY CRL: certificate serial number %s is revoked: %s",
			   serial, subject);
		return 0;
	}
	if (!fpr_ok(s, x, depth) || (depth == 0 && !verify_leaf(s, x, subject)))
		return 0;
	/* Fingerprint-only: accept what the chain check refused, and say so. */
	if (!preverify_ok)
		X509_STORE_CTX_set_error(xs, X509_V_OK);
	return 1;
}
