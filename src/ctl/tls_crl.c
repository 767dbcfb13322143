#include "ctl/tls_crl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "base/log.h"

/* Drop every CRL from @store (OpenSSL has no call for it: the objects are
 * taken out of the store's list under its lock, as OpenVPN does). */
static void store_clear_crls(X509_STORE *store)
{
	STACK_OF(X509_OBJECT) *objs;

	X509_STORE_lock(store);
	objs = X509_STORE_get0_objects(store);
	for (int i = sk_X509_OBJECT_num(objs) - 1; i >= 0; i--) {
		X509_OBJECT *o = sk_X509_OBJECT_value(objs, i);

		if (X509_OBJECT_get_type(o) == X509_LU_CRL) {
			sk_X509_OBJECT_delete(objs, i);
			X509_OBJECT_free(o);
		}
	}
	X509_STORE_unlock(store);
}

/*
 * Parse every CRL first and swap them in only then: a CRL file caught
 * half-written (or broken) keeps the old list in force rather than
 * leaving none, which would let revoked peers in.
 */
static int load_file(struct tls_crl *c, SSL_CTX *sctx, const char *data,
		     size_t len)
{
	X509_STORE *store = SSL_CTX_get_cert_store(sctx);
	BIO *bio = data ? BIO_new_mem_buf(data, (int)len) :
			  BIO_new_file(c->path, "r");
	STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
	X509_CRL *crl;
	int ret = 0;

	if (!bio || !crls) {
		ret = bio ? -ENOMEM : -ENOENT;
		goto out;
	}
	while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_CRL_push(crls, crl)) {
			X509_CRL_free(crl);
			ret = -ENOMEM;
			goto out;
		}
	if (!sk_X509_CRL_num(crls)) {
		ret = -EINVAL;
		goto out;
	}
	store_clear_crls(store);
	for (int i = 0; i < sk_X509_CRL_num(crls); i++)
		X509_STORE_add_crl(store, sk_X509_CRL_value(crls, i));
out:
	ERR_clear_error();
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	BIO_free(bio);
	return ret;
}

static bool file_changed(struct tls_crl *c, bool update)
{
	struct stat st;
	bool changed;

	if (stat(c->path, &st))
		return false;
	changed = st.st_mtim.tv_sec != c->mtime.tv_sec ||
		  st.st_mtim.tv_nsec != c->mtime.tv_nsec || st.st_size != c->size;
	if (update) {
		c->mtime = st.st_mtim;
		c->size = st.st_size;
	}
	return changed;
}

int tls_crl_init(struct tls_crl *c, SSL_CTX *sctx, const struct opt_file *f,
		 bool dir, char *err, size_t errlen)
{
	struct stat st;
	int ret;

	memset(c, 0, sizeof(*c));
	if (f->path) {
		c->path = strdup(f->path);
		if (!c->path)
			return -ENOMEM;
	}
	c->on = true;
	c->dir = dir;
	if (dir) {
		if (!c->path || stat(c->path, &st) || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "crl-verify: %s is not a directory",
				 c->path ? c->path : "inline block");
			return -ENOTDIR;
		}
		return 0;
	}
	if (c->path)
		file_changed(c, true);
	ret = load_file(c, sctx, f->data, f->data ? (f->len ? f->len :
						     strlen(f->data)) : 0);
	if (ret) {
		snprintf(err, errlen, "crl-verify: cannot %s CRL in %s",
			 ret == -EINVAL ? "parse" : "read the",
			 c->path ? c->path : "inline <crl-verify>");
		return ret;
	}
	/* The leaf and every CA below the trust anchor; a CA with no CRL
	 * listed is let through by the verify callback, as OpenVPN does. */
	X509_STORE_set_flags(SSL_CTX_get_cert_store(sctx),
			     X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	return 0;
}

void tls_crl_refresh(struct tls_crl *c, SSL_CTX *sctx)
{
	if (!c->on || c->dir || !c->path || !file_changed(c, true))
		return;
	if (load_file(c, sctx, NULL, 0))
		log_warn("crl-verify: cannot reload %s; the CRL loaded before "
			 "stays in force", c->path);
	else
		log_info("crl-verify: reloaded %s", c->path);
}

bool tls_crl_dir_revoked(const struct tls_crl *c, X509 *x, char *serial,
			 size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *dec = bn ? BN_bn2dec(bn) : NULL;
	char path[4096];
	bool revoked = false;

	snprintf(serial, len, "%s", dec ? dec : "?");
	if (dec && c->dir && c->path &&
	    (size_t)snprintf(path, sizeof(path), "%s/%s", c->path, dec) <
		    sizeof(path))
		revoked = access(path, F_OK) == 0;
	OPENSSL_free(dec);
	BN_free(bn);
	return revoked;
}

/* A CRL of @x's issuer in @st that lists @x? */
static bool store_revoked(X509_STORE *st, X509 *x)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(st);
	const X509_NAME *issuer = X509_get_issuer_name(x);

	for (int i = 0; objs && i < sk_X509_OBJECT_num(objs); i++) {
		X509_CRL *crl = X509_OBJECT_get0_X509_CRL(
			sk_X509_OBJECT_value(objs, i));
		X509_REVOKED *r;

		if (crl && !X509_NAME_cmp(X509_CRL_get_issuer(crl), issuer) &&
		    X509_CRL_get0_by_cert(crl, &r, x) == 1)
			return true;
	}
	return false;
}

bool tls_crl_revoked(struct tls_crl *c, SSL_CTX *sctx, X509 *x)
{
	char serial[64];

	if (!c->on || !x)
		return false;
	if (c->dir)
		return tls_crl_dir_revoked(c, x, serial, sizeof(serial));
	tls_crl_refresh(c, sctx);
	return store_revoked(SSL_CTX_get_cert_store(sctx), x);
}

void tls_crl_free(struct tls_crl *c)
{
	free(c->path);
	memset(c, 0, sizeof(*c));
}
