/*
 * crl-verify for ctl/tls.c: a PEM CRL file (or inline <crl-verify>) loaded
 * into the context's X509 store and loaded again before a new TLS session
 * whenever the file changed, as OpenVPN does, so that revoking a client
 * needs no restart; or OpenVPN's "crl-verify DIR dir": a file named after
 * a certificate's decimal serial number in DIR revokes it.
 */
#ifndef DCOVPN_CTL_TLS_CRL_H
#define DCOVPN_CTL_TLS_CRL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "conf/options.h"

struct tls_crl {
	bool on;
	bool dir;                 /* DIR of revoked serials */
	char *path;               /* file or DIR; NULL for inline */
	struct timespec mtime;    /* of the file as last loaded */
	off_t size;
};

/* 0 or -errno with @err set (an unreadable or empty CRL file refuses). */
int tls_crl_init(struct tls_crl *c, SSL_CTX *sctx, const struct opt_file *f,
		 bool dir, char *err, size_t errlen);
/* Before a new session: reload a file that changed. A CRL that no longer
 * parses leaves the old one in force (and is logged). */
void tls_crl_refresh(struct tls_crl *c, SSL_CTX *sctx);
/* Dir mode: is @x revoked? Its serial (decimal) goes to @serial. */
bool tls_crl_dir_revoked(const struct tls_crl *c, X509 *x, char *serial,
			 size_t len);
/* Is @x revoked by the CRL in force (a changed file reloaded first; the
 * store's CRLs of @x's issuer, or DIR)? For a peer already connected:
 * the handshake checked it against the CRL of that time. */
bool tls_crl_revoked(struct tls_crl *c, SSL_CTX *sctx, X509 *x);
void tls_crl_free(struct tls_crl *c);

#endif
