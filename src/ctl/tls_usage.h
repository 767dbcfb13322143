/*
 * remote-cert-ku / remote-cert-eku on the peer's leaf certificate, as
 * OpenVPN 2.6 (ssl_verify_openssl.c), internal to ctl/tls.c:
 *  - key usage: the extension must be there; with values given, the first
 *    eight usage bits read as one byte (digitalSignature = 0x80 ...
 *    encipherOnly = 0x01) must contain all bits of at least one value;
 *  - extended key usage: one of its OIDs must equal the expected one as
 *    text (long name, "TLS Web Server Authentication") or as numbers
 *    ("1.3.6.1.5.5.7.3.1").
 */
#ifndef DCOVPN_CTL_TLS_USAGE_H
#define DCOVPN_CTL_TLS_USAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/x509.h>

/* true if @x passes; else false with the reason in @err. */
bool tls_usage_ku_ok(X509 *x, const unsigned *ku, size_t n, char *err,
		     size_t errlen);
bool tls_usage_eku_ok(X509 *x, const char *oid, char *err, size_t errlen);

#endif
