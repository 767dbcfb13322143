/*
 * The peer's name as OpenVPN 2.6 takes it from its certificate
 * (ssl_verify.c, ssl_verify_openssl.c): the last CN of the subject by
 * default; with x509-username-field, each given field in turn, joined by
 * '_':
 *   - a subject attribute by name ("emailAddress", "CN", "OU", ...): its
 *     last occurrence;
 *   - "serialNumber": the certificate's serial, "0x" + hex;
 *   - "ext:subjectAltName" / "ext:issuerAltName": the e-mail entries of
 *     that extension (the last one wins, as in OpenVPN).
 */
#ifndef DCOVPN_CTL_TLS_USERNAME_H
#define DCOVPN_CTL_TLS_USERNAME_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/x509.h>

/* @x's subject as OpenVPN prints it ("C=KG, O=x, CN=y"), mapped by
 * safename_subject() as OpenVPN maps it. */
void tls_cert_subject(X509 *x, char *buf, size_t len);

/* Is @field one x509-username-field can name? */
bool tls_username_field_ok(const char *field);

/*
 * The name from @x for @fields (NULL or @n 0: the CN) into @buf, mapped
 * by safename_remap() as OpenVPN maps it. 0, or with @buf naming the
 * field: -ENOENT (missing), -ENOSPC (longer than SAFENAME_FIELD_MAX, as
 * OpenVPN's TLS_USERNAME_LEN), -E2BIG (the joined name does not fit).
 */
int tls_cert_username(X509 *x, const char *const *fields, size_t n,
		      char *buf, size_t len);

#endif
