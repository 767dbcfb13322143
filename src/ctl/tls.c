/*
 * Control channel TLS over memory BIOs (tls.h).
 *
 * Layout: loading certificates and keys into an SSL_CTX (PEM from a file or
 * inline), the version / cipher policy, the verify callback (OpenVPN's
 * checks on top of OpenSSL's chain verification), then the session: two
 * memory BIOs, handshake, plaintext, exporter, and the log summary.
 *
 * The verify callback finds its session through SSL_get_app_data, so no
 * process-wide ex_data index (a global) is needed.
 */
#include "ctl/tls.h"
#include "ctl/tls_extkey.h"
#include "ctl/tls_usage.h"
#include "ctl/tls_username.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/mem.h"
#include "base/safename.h"
#include "ctl/tls_crl.h"
#include "ctl/tls_sources.h"

/* Unread input held for a session: a peer cannot make us buffer more. */
#define TLS_MAX_BUFFERED (1u << 20)

/* OpenVPN's default --tls-cert-profile "legacy" is OpenSSL security level 1. */
#define TLS_SECURITY_LEVEL 1

struct tls_ctx {
	SSL_CTX *ssl_ctx;
	enum tls_role role;
	enum tls_remote_cert remote_cert;
	bool ku;			/* remote-cert-ku */
	unsigned ku_values[15];
	size_t n_ku;
	char *eku;			/* remote-cert-eku, or NULL */
	char **user_fields;		/* x509-username-field, or NULL */
	size_t n_user_fields;
	char *x509_name;		/* NULL: no verify-x509-name */
	enum tls_x509_type x509_type;
	uint8_t (*fprs)[TLS_FPR_LEN];
	size_t n_fprs;
	unsigned fpr_depth, fpr_len;	/* see tls_config */
	bool no_ca;			/* fingerprints replace the chain check */
	struct tls_crl crl;		/* crl-verify */
};

struct tls_session {
	struct tls_ctx *ctx;
	SSL *ssl;
	BIO *in;			/* peer's ciphertext, read by OpenSSL */
	BIO *out;			/* OpenSSL's ciphertext for the peer */
	enum tls_hs_state state;
	char verify_err[TLS_ERR_LEN];	/* set by the verify callback */
	char err[2 * TLS_ERR_LEN];	/* what + verify_err + reason */
};

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The reason of the most recent OpenSSL error ("" if none); clears the queue. */
static void ssl_reason(char *buf, size_t len)
{
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (!last) {
		snprintf(buf, len, "unknown error");
		return;
	}
	ERR_error_string_n(last, buf, len);
}

/* ------------------------------------------------------------ option text */

int tls_parse_remote_cert(const char *s, enum tls_remote_cert *out,
			  char *err, size_t errlen)
{
	if (!s || !*s)
		*out = TLS_REMOTE_CERT_ANY;
	else if (!strcmp(s, "server"))
		*out = TLS_REMOTE_CERT_SERVER;
	else if (!strcmp(s, "client"))
		*out = TLS_REMOTE_CERT_CLIENT;
	else {
		set_err(err, errlen, "--remote-cert-tls must be 'client' or 'server'");
		return -EINVAL;
	}
	return 0;
}

int tls_parse_x509_type(const char *s, enum tls_x509_type *out,
			char *err, size_t errlen)
{
	if (!s || !*s || !strcmp(s, "subject"))
		*out = TLS_X509_SUBJECT;
	else if (!strcmp(s, "name"))
		*out = TLS_X509_NAME;
	else if (!strcmp(s, "name-prefix"))
		*out = TLS_X509_NAME_PREFIX;
	else {
		set_err(err, errlen, "unknown verify-x509-name type '%s' "
			"(subject, name or name-prefix)", s);
		return -EINVAL;
	}
	return 0;
}

/* "1.2" -> TLS1_2_VERSION; or-highest turns an unknown one into TLS 1.3. */
static int parse_version(const char *s, bool or_highest, int *out)
{
	static const struct { const char *name; int v; } tab[] = {
		{ "1.0", TLS1_VERSION }, { "1.1", TLS1_1_VERSION },
		{ "1.2", TLS1_2_VERSION }, { "1.3", TLS1_3_VERSION },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(s, tab[i].name)) {
			*out = tab[i].v;
			return 0;
		}
	}
	if (or_highest) {
		*out = TLS1_3_VERSION;
		return 0;
	}
	return -EINVAL;
}

/* ------------------------------------------------------- PEM from a file */

static bool file_given(const struct opt_file *f)
{
	return f && (f->data || (f->path && *f->path));
}

/* "inline <ca>" or the path, for messages. */
static void file_where(const struct opt_file *f, const char *what, char *buf,
		       size_t len)
{
	if (f->data)
		snprintf(buf, len, "inline <%s>", what);
	else
		snprintf(buf, len, "%s", f->path);
}

static BIO *file_bio(const struct opt_file *f, const char *what, char *err,
		     size_t errlen)
{
	BIO *bio;

	if (f->data)
		bio = BIO_new_mem_buf(f->data, (int)(f->len ? f->len : strlen(f->data)));
	else
		bio = BIO_new_file(f->path, "r");
	if (!bio) {
		if (f->data)
			set_err(err, errlen, "%s: out of memory", what);
		else
			set_err(err, errlen, "%s: cannot open %s: %s", what,
				f->path, strerror(errno ? errno : ENOENT));
	}
	ERR_clear_error();
	return bio;
}

/* Refuses to prompt on the terminal for a key passphrase. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Hands OpenSSL the passphrase given (askpass), never prompts. */
static int given_passphrase(char *buf, int size, int rwflag, void *u)
{
	const char *pass = u;
	size_t len = strlen(pass);

	(void)rwflag;
	if (size < 0 || len > (size_t)size)
		return -1;
	memcpy(buf, pass, len);
	return (int)len;
}

/* ---------------------------------------------------------- CA and CRL */

static int store_add_infos(X509_STORE *store, STACK_OF(X509_INFO) *infos,
			   SSL_CTX *sctx, bool server, size_t *n_certs)
{
	for (int i = 0; i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *info = sk_X509_INFO_value(infos, i);

		if (info->x509) {
			if (!X509_STORE_add_cert(store, info->x509))
				return -EINVAL;
			/* A server names its CAs in the certificate request. */
			if (server && !SSL_CTX_add_client_CA(sctx, info->x509))
				return -EINVAL;
			(*n_certs)++;
		}
		if (info->crl && !X509_STORE_add_crl(store, info->crl))
			return -EINVAL;
	}
	return 0;
}

static int load_ca(SSL_CTX *sctx, const struct opt_file *f, bool server,
		   char *err, size_t errlen)
{
	char where[128];
	STACK_OF(X509_INFO) *infos;
	size_t n = 0;
	BIO *bio;
	int ret;

	bio = file_bio(f, "ca", err, errlen);
	if (!bio)
		return -ENOENT;
	file_where(f, "ca", where, sizeof(where));
	infos = PEM_X509_INFO_read_bio(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!infos) {
		ERR_clear_error();
		set_err(err, errlen, "ca: cannot parse certificate in %s", where);
		return -EINVAL;
	}
	ret = store_add_infos(SSL_CTX_get_cert_store(sctx), infos, sctx, server, &n);
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	ERR_clear_error();
	if (ret || !n) {
		set_err(err, errlen, "ca: %s certificate in %s", ret ? "cannot use" :
			"cannot parse", where);
		return -EINVAL;
	}
	return 0;
}

/* --------------------------------------------------- own cert and key */

/* Certificates after the first one in @bio become the chain we send. */
static int add_chain(SSL_CTX *sctx, BIO *bio, const char *what,
		     const char *where, char *err, size_t errlen)
{
	X509 *x;

	while ((x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL)) != NULL) {
		if (!SSL_CTX_add0_chain_cert(sctx, x)) {
			X509_free(x);
			set_err(err, errlen, "%s: cannot use certificate in %s",
				what, where);
			return -EINVAL;
		}
	}
	/* The loop ends with "no start line": that is the end of the file. */
	ERR_clear_error();
	return 0;
}

static int load_cert(SSL_CTX *sctx, const struct opt_file *f, char *err,
		     size_t errlen)
{
	char where[128];
	X509 *x;
	BIO *bio;
	int ret = -EINVAL;

	bio = file_bio(f, "cert", err, errlen);
	if (!bio)
		return -ENOENT;
	file_where(f, "cert", where, sizeof(where));
	x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
	if (!x) {
		set_err(err, errlen, "cert: cannot parse certificate in %s", where);
		goto out;
	}
	if (!SSL_CTX_use_certificate(sctx, x)) {
		char reason[128];

		ssl_reason(reason, sizeof(reason));
		set_err(err, errlen, "cert: cannot use certificate in %s: %s",
			where, reason);
		goto out;
	}
	ret = add_chain(sctx, bio, "cert", where, err, errlen);
out:
	X509_free(x);
	BIO_free(bio);
	ERR_clear_error();
	return ret;
}

static int load_extra_certs(SSL_CTX *sctx, const struct opt_file *f,
			    char *err, size_t errlen)
{
	char where[128];
	BIO *bio;
	int ret;

	bio = file_bio(f, "extra-certs", err, errlen);
	if (!bio)
		return -ENOENT;
	file_where(f, "extra-certs", where, sizeof(where));
	ret = add_chain(sctx, bio, "extra-certs", where, err, errlen);
	BIO_free(bio);
	return ret;
}

static int load_key(SSL_CTX *sctx, const struct opt_file *f,
		    const char *passphrase, bool have_cert, char *err,
		    size_t errlen)
{
	char where[128];
	EVP_PKEY *pkey;
	BIO *bio;
	int ret = -EINVAL;

	bio = file_bio(f, "key", err, errlen);
	if (!bio)
		return -ENOENT;
	file_where(f, "key", where, sizeof(where));
	pkey = passphrase ?
		       PEM_read_bio_PrivateKey(bio, NULL, given_passphrase,
					       (void *)passphrase) :
		       PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!pkey) {
		set_err(err, errlen, "key: cannot parse private key in %s (%s)",
			where, passphrase ? "wrong --askpass passphrase?" :
			"if it is encrypted, give its passphrase with --askpass");
		goto out;
	}
	/* Checked first: SSL_CTX_use_PrivateKey refuses a mismatch too, but
	 * with a less helpful reason. */
	if (have_cert && !X509_check_private_key(SSL_CTX_get0_certificate(sctx),
						 pkey)) {
		set_err(err, errlen, "key does not match cert");
		goto out;
	}
	if (!SSL_CTX_use_PrivateKey(sctx, pkey)) {
		set_err(err, errlen, "key: cannot use private key in %s", where);
		goto out;
	}
	ret = 0;
out:
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return ret;
}

/* cert and key as PEM */
static int load_pem_credentials(SSL_CTX *sctx, const struct tls_config *cfg,
				char *err, size_t errlen)
{
	bool have_cert = file_given(cfg->cert);
	int ret;

	if (have_cert && cfg->ext_signer && !file_given(cfg->key)) {
		ret = load_cert(sctx, cfg->cert, err, errlen);
		return ret ? ret : tls_extkey_use(sctx, cfg->ext_signer, err,
						  errlen);
	}
	if (have_cert != file_given(cfg->key)) {
		set_err(err, errlen, have_cert ? "cert given without key" :
			"key given without cert");
		return -EINVAL;
	}
	if (!have_cert)
		return 0;
	ret = load_cert(sctx, cfg->cert, err, errlen);
	if (!ret)
		ret = load_key(sctx, cfg->key, cfg->key_passphrase, true, err,
			       errlen);
	return ret;
}

static int load_credentials(SSL_CTX *sctx, const struct tls_config *cfg,
			    char *err, size_t errlen)
{
	int ret = file_given(cfg->pkcs12) ?
		tls_pkcs12_load(sctx, cfg->pkcs12, cfg->key_passphrase,
				!file_given(cfg->ca), cfg->role == TLS_ROLE_SERVER,
				err, errlen) :
		load_pem_credentials(sctx, cfg, err, errlen);

	if (!ret && file_given(cfg->extra_certs))
		ret = load_extra_certs(sctx, cfg->extra_certs, err, errlen);
	return ret;
}

/* ------------------------------------------------------------- policy */

static int set_versions(SSL_CTX *sctx, const struct tls_config *cfg,
			char *err, size_t errlen)
{
	int vmin = TLS1_2_VERSION, vmax = 0;

	if (cfg->version_min && *cfg->version_min &&
	    parse_version(cfg->version_min, cfg->version_min_or_highest, &vmin)) {
		set_err(err, errlen, "unknown tls-version-min '%s'", cfg->version_min);
		return -EINVAL;
	}
	if (cfg->version_max && *cfg->version_max &&
	    parse_version(cfg->version_max, false, &vmax)) {
		set_err(err, errlen, "unknown tls-version-max '%s'", cfg->version_max);
		return -EINVAL;
	}
	if (vmax && vmax < vmin) {
		set_err(err, errlen, "tls-version-min %s is above tls-version-max %s",
			cfg->version_min, cfg->version_max);
		return -EINVAL;
	}
	if (!SSL_CTX_set_min_proto_version(sctx, vmin) ||
	    (vmax && !SSL_CTX_set_max_proto_version(sctx, vmax))) {
		set_err(err, errlen, "failed to set the TLS version range");
		return -EINVAL;
	}
	return 0;
}

/* OpenVPN's default --tls-cipher: OpenSSL's default without weak suites. */
#define TLS_DEFAULT_CIPHERS "DEFAULT:!EXP:!LOW:!MEDIUM:!kDH:!kECDH:!DSS:!PSK:" \
	"!SRP:!kRSA"
#define TLS_CIPHERS_MAX 4096u

/*
 * The OpenSSL name of an IANA-named TLS <= 1.2 suite as OpenVPN writes them
 * ("TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384"), found among every suite OpenSSL
 * knows; NULL if @tok is no such name (it is then passed on as it is).
 */
static const char *iana_to_openssl(STACK_OF(SSL_CIPHER) *all, const char *tok,
				   size_t n)
{
	for (int i = 0; i < sk_SSL_CIPHER_num(all); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(all, i);
		const char *std = SSL_CIPHER_standard_name(c);
		size_t j;

		if (!std || strlen(std) != n)
			continue;
		for (j = 0; j < n; j++) {
			char a = tok[j] == '-' ? '_' : tok[j];

			if (toupper((unsigned char)a) != std[j])
				break;
		}
		if (j == n)
			return SSL_CIPHER_get_name(c);
	}
	return NULL;
}

/* tls-cipher with IANA names translated, as OpenVPN does; -ENOSPC if long. */
static int translate_ciphers(const char *list, char *out, size_t cap)
{
	SSL_CTX *tmp = SSL_CTX_new(TLS_method());
	STACK_OF(SSL_CIPHER) *all = NULL;
	size_t len = 0;
	int ret = 0;

	if (tmp && SSL_CTX_set_cipher_list(tmp, "ALL:COMPLEMENTOFALL"))
		all = SSL_CTX_get_ciphers(tmp);
	out[0] = '\0';
	for (const char *p = list; *p && !ret; p += strcspn(p, ":"), p += !!*p) {
		size_t n = strcspn(p, ":");
		const char *name = all ? iana_to_openssl(all, p, n) : NULL;
		size_t nl = name ? strlen(name) : n;

		if (len + nl + 2 > cap) {
			ret = -ENOSPC;
			break;
		}
		memcpy(out + len, name ? name : p, nl);
		len += nl;
		out[len++] = ':';
		out[len] = '\0';
	}
	if (len)
		out[len - 1] = '\0';
	SSL_CTX_free(tmp);
	ERR_clear_error();
	return ret;
}

static int set_cipher_list(SSL_CTX *sctx, const char *list, char *err,
			   size_t errlen)
{
	char buf[TLS_CIPHERS_MAX];

	if (!list || !*list)
		list = TLS_DEFAULT_CIPHERS;
	if (translate_ciphers(list, buf, sizeof(buf))) {
		set_err(err, errlen, "tls-cipher: list too long");
		return -EINVAL;
	}
	if (!SSL_CTX_set_cipher_list(sctx, buf)) {
		set_err(err, errlen, "tls-cipher: no usable cipher in '%s'", list);
		return -EINVAL;
	}
	return 0;
}

/* tls-ciphersuites: OpenVPN accepts '-' for '_' in the TLS 1.3 names. */
static int set_ciphersuites(SSL_CTX *sctx, const char *list, char *err,
			    size_t errlen)
{
	char buf[TLS_CIPHERS_MAX];

	if (!list || !*list)
		return 0;
	if (strlen(list) >= sizeof(buf)) {
		set_err(err, errlen, "tls-ciphersuites: list too long");
		return -EINVAL;
	}
	for (size_t i = 0; ; i++) {
		buf[i] = list[i] == '-' ? '_' : list[i];
		if (!list[i])
			break;
	}
	if (!SSL_CTX_set_ciphersuites(sctx, buf)) {
		set_err(err, errlen, "tls-ciphersuites: no usable suite in '%s'",
			list);
		return -EINVAL;
	}
	return 0;
}

static int set_ciphers(SSL_CTX *sctx, const struct tls_config *cfg,
		       char *err, size_t errlen)
{
	int ret = set_cipher_list(sctx, cfg->cipher, err, errlen);

	if (!ret)
		ret = set_ciphersuites(sctx, cfg->ciphersuites, err, errlen);
	if (ret) {
		ERR_clear_error();
		return ret;
	}
	if (cfg->groups && *cfg->groups &&
	    !SSL_CTX_set1_groups_list(sctx, cfg->groups)) {
		set_err(err, errlen, "tls-groups: cannot use '%s'", cfg->groups);
		return -EINVAL;
	}
	ERR_clear_error();
	return 0;
}

int tls_apply_ciphers(struct ssl_ctx_st *sctx, const struct tls_config *cfg,
		      char *err, size_t errlen)
{
	return set_ciphers(sctx, cfg, err, errlen);
}

static int verify_mode(const struct tls_config *cfg)
{
	if (cfg->role == TLS_ROLE_SERVER) {
		if (cfg->verify_client == TLS_VERIFY_CLIENT_NONE)
			return SSL_VERIFY_NONE;
		if (cfg->verify_client == TLS_VERIFY_CLIENT_OPTIONAL)
			return SSL_VERIFY_PEER;
	}
	return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
}

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
	set_err(s->verify_err, sizeof(s->verify_err), "TLS Error: "
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
		set_err(s->verify_err, sizeof(s->verify_err), "VERIFY ERROR: "
			"could not append %s from X509 certificate -- note that "
			"the username length is limited to %u characters", name,
			SAFENAME_MAX - 1);
	else if (ret)
		set_err(s->verify_err, sizeof(s->verify_err), "VERIFY ERROR: "
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
		set_err(s->verify_err, sizeof(s->verify_err), "VERIFY KU/EKU ERROR:"
			" %s lacks key usage or extended key usage %s", subject,
			ctx->remote_cert == TLS_REMOTE_CERT_SERVER ?
			"TLS Web Server Authentication" :
			"TLS Web Client Authentication");
		return false;
	}
	if (ctx->ku && !tls_usage_ku_ok(x, ctx->ku_values, ctx->n_ku, why,
					sizeof(why))) {
		set_err(s->verify_err, sizeof(s->verify_err),
			"VERIFY KU ERROR: %s: %s", subject, why);
		return false;
	}
	if (ctx->eku && !tls_usage_eku_ok(x, ctx->eku, why, sizeof(why))) {
		set_err(s->verify_err, sizeof(s->verify_err),
			"VERIFY EKU ERROR: %s: %s", subject, why);
		return false;
	}
	if (!verify_name(s, x, subject, cn, sizeof(cn)))
		return false;
	if (ctx->x509_name && !x509_name_ok(ctx, subject, cn)) {
		set_err(s->verify_err, sizeof(s->verify_err),
			"VERIFY X509NAME ERROR: %s, must be %s", subject,
			ctx->x509_name);
		return false;
	}
	return true;
}

static int verify_cb(int preverify_ok, X509_STORE_CTX *xs)
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
		set_err(s->verify_err, sizeof(s->verify_err),
			"VERIFY ERROR: depth=%d, error=%s: %s", depth,
			X509_verify_cert_error_string(e), subject);
		return 0;
	}
	if (depth == 0 && s->ctx->crl.dir &&
	    tls_crl_dir_revoked(&s->ctx->crl, x, serial, sizeof(serial))) {
		set_err(s->verify_err, sizeof(s->verify_err),
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

/* ---------------------------------------------------------------- ctx */

static int ctx_copy_policy(struct tls_ctx *ctx, const struct tls_config *cfg,
			   char *err, size_t errlen)
{
	ctx->role = cfg->role;
	ctx->remote_cert = cfg->remote_cert;
	ctx->ku = cfg->remote_ku;
	ctx->n_ku = cfg->n_remote_ku < 15 ? cfg->n_remote_ku : 15;
	if (ctx->n_ku)
		memcpy(ctx->ku_values, cfg->remote_ku_values,
		       ctx->n_ku * sizeof(ctx->ku_values[0]));
	if (cfg->remote_eku && !(ctx->eku = strdup(cfg->remote_eku)))
		goto nomem;
	if (cfg->n_username_fields) {
		ctx->user_fields = calloc(cfg->n_username_fields, sizeof(char *));
		if (!ctx->user_fields)
			goto nomem;
		ctx->n_user_fields = cfg->n_username_fields;
		for (size_t i = 0; i < cfg->n_username_fields; i++)
			if (!(ctx->user_fields[i] = strdup(cfg->username_fields[i])))
				goto nomem;
	}
	ctx->x509_type = cfg->verify_x509_type;
	if (cfg->verify_x509_name && *cfg->verify_x509_name) {
		ctx->x509_name = strdup(cfg->verify_x509_name);
		if (!ctx->x509_name)
			goto nomem;
	}
	if (cfg->n_peer_fingerprints) {
		ctx->fprs = calloc(cfg->n_peer_fingerprints, TLS_FPR_LEN);
		if (!ctx->fprs)
			goto nomem;
		memcpy(ctx->fprs, cfg->peer_fingerprints,
		       cfg->n_peer_fingerprints * TLS_FPR_LEN);
		ctx->n_fprs = cfg->n_peer_fingerprints;
		ctx->fpr_depth = cfg->fpr_depth;
		ctx->fpr_len = cfg->fpr_len ? cfg->fpr_len : TLS_FPR_LEN;
	}
	ctx->no_ca = !file_given(cfg->ca) && !file_given(cfg->pkcs12) &&
		     !(cfg->capath && *cfg->capath);
	if (ctx->no_ca && !(ctx->n_fprs && !ctx->fpr_depth) &&
	    !(cfg->role == TLS_ROLE_SERVER &&
	      cfg->verify_client == TLS_VERIFY_CLIENT_NONE)) {
		set_err(err, errlen, "ca or peer-fingerprint is required to verify "
			"the peer");
		return -EINVAL;
	}
	return 0;
nomem:
	set_err(err, errlen, "out of memory");
	return -ENOMEM;
}

static int ctx_setup(struct tls_ctx *ctx, const struct tls_config *cfg,
		     char *err, size_t errlen)
{
	SSL_CTX *sctx = ctx->ssl_ctx;
	int ret;

	/* As OpenVPN: no tickets, no TLS renegotiation (it makes new sessions
	 * instead), no compression, no session cache. */
	SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION |
			    SSL_OP_CIPHER_SERVER_PREFERENCE |
			    SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_security_level(sctx, TLS_SECURITY_LEVEL);
	SSL_CTX_set_default_passwd_cb(sctx, no_passphrase);
	SSL_CTX_set_verify(sctx, verify_mode(cfg), verify_cb);
	ret = set_versions(sctx, cfg, err, errlen);
	if (!ret)
		ret = set_ciphers(sctx, cfg, err, errlen);
	if (!ret && file_given(cfg->ca))
		ret = load_ca(sctx, cfg->ca, cfg->role == TLS_ROLE_SERVER, err,
			      errlen);
	if (!ret && cfg->capath && *cfg->capath)
		ret = tls_capath_add(sctx, cfg->capath, err, errlen);
	if (!ret && file_given(cfg->crl_verify))
		ret = tls_crl_init(&ctx->crl, sctx, cfg->crl_verify,
				   cfg->crl_verify_dir, err, errlen);
	if (!ret)
		ret = load_credentials(sctx, cfg, err, errlen);
	return ret;
}

int tls_ctx_new(struct tls_ctx **out, const struct tls_config *cfg,
		char *err, size_t errlen)
{
	struct tls_ctx *ctx;
	int ret;

	*out = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = ctx_copy_policy(ctx, cfg, err, errlen);
	if (ret)
		goto err_free;
	ctx->ssl_ctx = SSL_CTX_new(cfg->role == TLS_ROLE_SERVER ?
				   TLS_server_method() : TLS_client_method());
	if (!ctx->ssl_ctx) {
		set_err(err, errlen, "cannot create an OpenSSL context");
		ret = -ENOMEM;
		goto err_free;
	}
	ret = ctx_setup(ctx, cfg, err, errlen);
	if (ret)
		goto err_free;
	*out = ctx;
	return 0;
err_free:
	ERR_clear_error();
	tls_ctx_free(ctx);
	return ret;
}

void tls_ctx_free(struct tls_ctx *ctx)
{
	if (!ctx)
		return;
	SSL_CTX_free(ctx->ssl_ctx);
	tls_crl_free(&ctx->crl);
	free(ctx->x509_name);
	free(ctx->eku);
	for (size_t i = 0; ctx->user_fields && i < ctx->n_user_fields; i++)
		free(ctx->user_fields[i]);
	free(ctx->user_fields);
	free(ctx->fprs);
	free(ctx);
}

/* ------------------------------------------------------------ session */

int tls_session_new(struct tls_session **out, struct tls_ctx *ctx,
		    char *err, size_t errlen)
{
	struct tls_session *s;

	*out = NULL;
	/* a CRL file edited since the last session counts from this one on */
	tls_crl_refresh(&ctx->crl, ctx->ssl_ctx);
	s = calloc(1, sizeof(*s));
	if (!s)
		goto nomem;
	s->ctx = ctx;
	s->ssl = SSL_new(ctx->ssl_ctx);
	s->in = BIO_new(BIO_s_mem());
	s->out = BIO_new(BIO_s_mem());
	if (!s->ssl || !s->in || !s->out) {
		BIO_free(s->in);
		BIO_free(s->out);
		SSL_free(s->ssl);
		free(s);
		goto nomem;
	}
	/* An empty input BIO means "wait for more", not end of stream. */
	BIO_set_mem_eof_return(s->in, -1);
	SSL_set_bio(s->ssl, s->in, s->out);
	SSL_set_app_data(s->ssl, s);
	if (ctx->role == TLS_ROLE_SERVER)
		SSL_set_accept_state(s->ssl);
	else
		SSL_set_connect_state(s->ssl);
	*out = s;
	return 0;
nomem:
	ERR_clear_error();
	set_err(err, errlen, "cannot create a TLS session: out of memory");
	return -ENOMEM;
}

void tls_session_free(struct tls_session *s)
{
	if (!s)
		return;
	SSL_free(s->ssl);	/* frees both BIOs, wipes its secrets */
	mem_wipe(s, sizeof(*s));
	free(s);
}

int tls_session_put_ciphertext(struct tls_session *s, const uint8_t *data,
			       size_t len)
{
	if (len > TLS_MAX_BUFFERED ||
	    BIO_ctrl_pending(s->in) > TLS_MAX_BUFFERED - len)
		return -ENOBUFS;
	if (!len)
		return 0;
	if (BIO_write(s->in, data, (int)len) != (int)len) {
		ERR_clear_error();
		return -ENOMEM;
	}
	return 0;
}

size_t tls_session_pending_ciphertext(const struct tls_session *s)
{
	return BIO_ctrl_pending(s->out);
}

ssize_t tls_session_get_ciphertext(struct tls_session *s, uint8_t *buf,
				   size_t max)
{
	int n;

	if (max > INT32_MAX)
		max = INT32_MAX;
	if (!max || !BIO_ctrl_pending(s->out))
		return 0;
	n = BIO_read(s->out, buf, (int)max);
	if (n < 0) {
		ERR_clear_error();
		return -EIO;
	}
	return n;
}

/* Record why the session failed: OpenSSL's reason and the verify error. */
static void session_fail(struct tls_session *s, const char *what)
{
	char reason[160];

	ssl_reason(reason, sizeof(reason));
	if (s->verify_err[0])
		snprintf(s->err, sizeof(s->err), "%s: %s (%s)", what,
			 s->verify_err, reason);
	else
		snprintf(s->err, sizeof(s->err), "%s: %s", what, reason);
	s->state = TLS_HS_FAILED;
}

enum tls_hs_state tls_session_handshake(struct tls_session *s)
{
	int r;

	if (s->state != TLS_HS_IN_PROGRESS)
		return s->state;
	ERR_clear_error();
	r = SSL_do_handshake(s->ssl);
	if (r == 1) {
		s->state = TLS_HS_DONE;
		return s->state;
	}
	switch (SSL_get_error(s->ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return TLS_HS_IN_PROGRESS;
	default:
		session_fail(s, "TLS handshake failed");
		return s->state;
	}
}

const char *tls_session_error(const struct tls_session *s)
{
	return s->err;
}

int tls_session_write(struct tls_session *s, const uint8_t *buf, size_t len)
{
	int n;

	if (s->state != TLS_HS_DONE)
		return s->state == TLS_HS_FAILED ? -EPROTO : -EAGAIN;
	if (len > INT32_MAX)
		return -EMSGSIZE;
	if (!len)
		return 0;
	ERR_clear_error();
	n = SSL_write(s->ssl, buf, (int)len);
	if (n == (int)len)
		return 0;
	session_fail(s, "TLS write failed");
	return -EPROTO;
}

ssize_t tls_session_read(struct tls_session *s, uint8_t *buf, size_t len)
{
	int n;

	if (s->state != TLS_HS_DONE)
		return s->state == TLS_HS_FAILED ? -EPROTO : -EAGAIN;
	if (len > INT32_MAX)
		len = INT32_MAX;
	if (!len)
		return 0;
	ERR_clear_error();
	n = SSL_read(s->ssl, buf, (int)len);
	if (n > 0)
		return n;
	switch (SSL_get_error(s->ssl, n)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		return -EPIPE;
	default:
		session_fail(s, "TLS read failed");
		return -EPROTO;
	}
}

int tls_session_export(struct tls_session *s, const char *label,
		       uint8_t *out, size_t len)
{
	if (s->state != TLS_HS_DONE)
		return -EAGAIN;
	if (SSL_export_keying_material(s->ssl, out, len, label, strlen(label),
				       NULL, 0, 0) != 1) {
		ERR_clear_error();
		mem_wipe(out, len);
		return -EIO;
	}
	return 0;
}

bool tls_session_peer_revoked(struct tls_session *s)
{
	return tls_crl_revoked(&s->ctx->crl, s->ctx->ssl_ctx,
			       SSL_get0_peer_certificate(s->ssl));
}

int tls_session_peer_cn(const struct tls_session *s, char *buf, size_t len)
{
	X509 *x = SSL_get0_peer_certificate(s->ssl);

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	if (!x)
		return 0;
	return tls_cert_username(x, (const char *const *)s->ctx->user_fields,
				 s->ctx->n_user_fields, buf, len);
}

struct stack_st_X509 *tls_session_peer_chain(const struct tls_session *s)
{
	return SSL_get0_verified_chain(s->ssl);
}

int tls_session_version(const struct tls_session *s)
{
	return s->state == TLS_HS_DONE ? SSL_version(s->ssl) : 0;
}

/* "2048 bits RSA" / "256 bits EC, curve prime256v1", as OpenVPN prints keys. */
static void pkey_line(EVP_PKEY *pkey, char *buf, size_t len)
{
	const char *type = EVP_PKEY_get0_type_name(pkey);
	char group[64] = "";
	size_t glen = 0;

	if (EVP_PKEY_is_a(pkey, "EC") &&
	    !EVP_PKEY_get_group_name(pkey, group, sizeof(group), &glen))
		group[0] = '\0';
	snprintf(buf, len, "%d bits %s%s%s", EVP_PKEY_get_bits(pkey),
		 type ? type : "(unknown type)", group[0] ? ", curve " : "", group);
}

static void cert_part(const struct tls_session *s, char *buf, size_t len)
{
	X509 *x = SSL_get0_peer_certificate(s->ssl);
	EVP_PKEY *pkey = x ? X509_get0_pubkey(x) : NULL;
	char key[96] = "";
	int nid;

	buf[0] = '\0';
	if (!x)
		return;
	if (pkey)
		pkey_line(pkey, key, sizeof(key));
	nid = X509_get_signature_nid(x);
	snprintf(buf, len, ", peer certificate: %s%s%s", key,
		 nid ? ", signature: " : "", nid ? OBJ_nid2sn(nid) : "");
}

static void tempkey_part(const struct tls_session *s, char *buf, size_t len)
{
	EVP_PKEY *pkey = NULL;
	char key[96];

	buf[0] = '\0';
	if (!SSL_get_peer_tmp_key(s->ssl, &pkey) || !pkey)
		return;
	pkey_line(pkey, key, sizeof(key));
	snprintf(buf, len, ", peer temporary key: %s", key);
	EVP_PKEY_free(pkey);
}

int tls_session_summary(const struct tls_session *s, char *buf, size_t len)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(s->ssl);
	char certs[200], tmp[128];
	int n;

	if (!len)
		return -ENOSPC;
	cert_part(s, certs, sizeof(certs));
	tempkey_part(s, tmp, sizeof(tmp));
	ERR_clear_error();
	n = snprintf(buf, len, "Control Channel: %s, cipher %s %s%s%s",
		     SSL_get_version(s->ssl), c ? SSL_CIPHER_get_version(c) : "",
		     c ? SSL_CIPHER_get_name(c) : "(none)", certs, tmp);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}
