/*
 * Where a TLS context's certificates come from besides PEM files, as
 * OpenVPN 2.6 loads them (ssl_openssl.c):
 *   - --pkcs12 FILE (or inline, base64): the certificate, its key and the
 *     CA certificates in it; tried without a password, then with the
 *     --askpass passphrase. The CAs are trusted when no --ca is given,
 *     else only sent as the chain;
 *   - --capath DIR: a hashed directory (c_rehash) of CA certificates and
 *     CRLs, looked up during each verification; CRLs are then checked on
 *     the whole chain.
 */
#ifndef DCOVPN_CTL_TLS_SOURCES_H
#define DCOVPN_CTL_TLS_SOURCES_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "conf/options.h"

/* 0, or -errno with @err set. @trust_ca: no --ca given; @server: name the
 * CAs in the certificate request. */
int tls_pkcs12_load(SSL_CTX *sctx, const struct opt_file *f,
		    const char *passphrase, bool trust_ca, bool server,
		    char *err, size_t errlen);

int tls_capath_add(SSL_CTX *sctx, const char *dir, char *err, size_t errlen);

#endif
