/* PKCS#12 files and CA directories. See tls_sources.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "ctl/tls_sources.h"

/* The DER structure: from the file, or inline as base64 (OpenVPN's form). */
static PKCS12 *p12_read(const struct opt_file *f)
{
	PKCS12 *p12 = NULL;
	BIO *bio, *b64;

	if (!f->data) {
		bio = BIO_new_file(f->path, "rb");
		p12 = bio ? d2i_PKCS12_bio(bio, NULL) : NULL;
		BIO_free(bio);
		return p12;
	}
	bio = BIO_new_mem_buf(f->data, (int)strlen(f->data));
	b64 = BIO_new(BIO_f_base64());
	if (bio && b64) {
		bio = BIO_push(b64, bio);
		b64 = NULL;
		p12 = d2i_PKCS12_bio(bio, NULL);
	}
	BIO_free(b64);
	BIO_free_all(bio);
	return p12;
}

/* The CAs: trusted (and named to clients by a server), or only our chain. */
static int p12_cas(SSL_CTX *sctx, STACK_OF(X509) *ca, bool trust, bool server)
{
	X509_STORE *store = SSL_CTX_get_cert_store(sctx);

	for (int i = 0; ca && i < sk_X509_num(ca); i++) {
		X509 *x = sk_X509_value(ca, i);

		if (trust && (!X509_STORE_add_cert(store, x) ||
			      (server && !SSL_CTX_add_client_CA(sctx, x))))
			return -EINVAL;
		if (!trust && !SSL_CTX_add1_chain_cert(sctx, x))
			return -EINVAL;
	}
	return 0;
}

int tls_pkcs12_load(SSL_CTX *sctx, const struct opt_file *f,
		    const char *passphrase, bool trust_ca, bool server,
		    char *err, size_t errlen)
{
	const char *where = f->data ? "inline PKCS#12 file" : f->path;
	PKCS12 *p12 = p12_read(f);
	STACK_OF(X509) *ca = NULL;
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	int ret = -EINVAL;

	if (!p12) {
		snprintf(err, errlen, "Error reading PKCS#12 file %s", where);
		goto out;
	}
	if (!PKCS12_parse(p12, "", &pkey, &cert, &ca) &&
	    (!passphrase || !PKCS12_parse(p12, passphrase, &pkey, &cert, &ca))) {
		snprintf(err, errlen, "Decoding PKCS12 failed. Probably wrong "
			 "password or unsupported/legacy encryption (%s)%s", where,
			 passphrase ? "" : "; give its password with --askpass");
		goto out;
	}
	if (!cert || !pkey || !SSL_CTX_use_certificate(sctx, cert) ||
	    !SSL_CTX_use_PrivateKey(sctx, pkey) ||
	    !SSL_CTX_check_private_key(sctx)) {
		snprintf(err, errlen, "pkcs12: cannot use the certificate and key "
			 "in %s", where);
		goto out;
	}
	ret = p12_cas(sctx, ca, trust_ca, server);
	if (ret)
		snprintf(err, errlen, "pkcs12: cannot use the CA certificates in %s",
			 where);
out:
	sk_X509_pop_free(ca, X509_free);
	X509_free(cert);
	EVP_PKEY_free(pkey);
	PKCS12_free(p12);
	ERR_clear_error();
	return ret;
}

int tls_capath_add(SSL_CTX *sctx, const char *dir, char *err, size_t errlen)
{
	X509_STORE *store = SSL_CTX_get_cert_store(sctx);
	X509_LOOKUP *lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());

	if (!lookup || !X509_LOOKUP_add_dir(lookup, dir, X509_FILETYPE_PEM)) {
		ERR_clear_error();
		snprintf(err, errlen, "Cannot add lookup at --capath %s", dir);
		return -EINVAL;
	}
	/* as OpenVPN: the directory's CRLs are checked on every certificate */
	X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK |
			     X509_V_FLAG_CRL_CHECK_ALL);
	return 0;
}
