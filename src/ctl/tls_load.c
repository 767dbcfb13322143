/*
 * Loading certificates, keys and CAs into an SSL_CTX, from a PEM file or
 * inline (tls_int.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "ctl/tls.h"
#include "ctl/tls_extkey.h"
#include "ctl/tls_int.h"
#include "ctl/tls_sources.h"

/* ------------------------------------------------------- PEM from a file */

bool tls_file_given(const struct opt_file *f)
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
			errbuf_set(err, errlen, "%s: out of memory", what);
		else
			errbuf_set(err, errlen, "%s: cannot open %s: %s", what,
				   f->path, strerror(errno ? errno : ENOENT));
	}
	ERR_clear_error();
	return bio;
}

/* Refuses to prompt on the terminal for a key passphrase. */
int tls_no_passphrase(char *buf, int size, int rwflag, void *u)
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

int tls_load_ca(SSL_CTX *sctx, const struct opt_file *f, bool server,
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
	infos = PEM_X509_INFO_read_bio(bio, NULL, tls_no_passphrase, NULL);
	BIO_free(bio);
	if (!infos) {
		ERR_clear_error();
		errbuf_set(err, errlen, "ca: cannot parse certificate in %s", where);
		return -EINVAL;
	}
	ret = store_add_infos(SSL_CTX_get_cert_store(sctx), infos, sctx, server, &n);
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	ERR_clear_error();
	if (ret || !n) {
		errbuf_set(err, errlen, "ca: %s certificate in %s", ret ? "cannot use" :
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

	while ((x = PEM_read_bio_X509(bio, NULL, tls_no_passphrase, NULL)) != NULL) {
		if (!SSL_CTX_add0_chain_cert(sctx, x)) {
			X509_free(x);
			errbuf_set(err, errlen, "%s: cannot use certificate in %s",
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
	x = PEM_read_bio_X509(bio, NULL, tls_no_passphrase, NULL);
	if (!x) {
		errbuf_set(err, errlen, "cert: cannot parse certificate in %s", where);
		goto out;
	}
	if (!SSL_CTX_use_certificate(sctx, x)) {
		char reason[128];

		ssl_reason(reason, sizeof(reason));
		errbuf_set(err, errlen, "cert: cannot use certificate in %s: %s",
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
		       PEM_read_bio_PrivateKey(bio, NULL, tls_no_passphrase, NULL);
	BIO_free(bio);
	if (!pkey) {
		errbuf_set(err, errlen, "key: cannot parse private key in %s (%s)",
			   where, passphrase ? "wrong --askpass passphrase?" :
			   "if it is encrypted, give its passphrase with --askpass");
		goto out;
	}
	/* Checked first: SSL_CTX_use_PrivateKey refuses a mismatch too, but
	 * with a less helpful reason. */
	if (have_cert && !X509_check_private_key(SSL_CTX_get0_certificate(sctx),
						 pkey)) {
		errbuf_set(err, errlen, "key does not match cert");
		goto out;
	}
	if (!SSL_CTX_use_PrivateKey(sctx, pkey)) {
		errbuf_set(err, errlen, "key: cannot use private key in %s", where);
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
	bool have_cert = tls_file_given(cfg->cert);
	int ret;

	if (have_cert && cfg->ext_signer && !tls_file_given(cfg->key)) {
		ret = load_cert(sctx, cfg->cert, err, errlen);
		return ret ? ret : tls_extkey_use(sctx, cfg->ext_signer, err,
						  errlen);
	}
	if (have_cert != tls_file_given(cfg->key)) {
		errbuf_set(err, errlen, have_cert ? "cert given without key" :
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

int tls_load_credentials(SSL_CTX *sctx, const struct tls_config *cfg,
			 char *err, size_t errlen)
{
	int ret = tls_file_given(cfg->pkcs12) ?
		tls_pkcs12_load(sctx, cfg->pkcs12, cfg->key_passphrase,
				!tls_file_given(cfg->ca), cfg->role == TLS_ROLE_SERVER,
				err, errlen) :
		load_pem_credentials(sctx, cfg, err, errlen);

	if (!ret && tls_file_given(cfg->extra_certs))
		ret = load_extra_certs(sctx, cfg->extra_certs, err, errlen);
	return ret;
}
