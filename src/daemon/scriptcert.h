/*
 * The peer certificate chain as OpenVPN 2.6 exports it to scripts
 * (ssl_verify.c verify_cert_set_env, x509_setenv), for each depth N from
 * the peer (0) to the trust anchor:
 *   X509_N_<field>     each subject entry by its short name (CN, O, ...)
 *   tls_id_N           the subject, "C=.., O=.., CN=.."
 *   tls_digest_N, tls_digest_sha256_N   fingerprints, aa:bb:..
 *   tls_serial_N, tls_serial_hex_N      serial, decimal and aa:bb:..
 * and common_name (the depth-0 name the session uses, @cn). Captured once
 * when the TLS handshake is verified, as OpenVPN keeps them in its env.
 * Unsafe characters in names are mapped to '_' (string_mod_remap_name).
 */
#ifndef DCOVPN_DAEMON_SCRIPTCERT_H
#define DCOVPN_DAEMON_SCRIPTCERT_H

#include <openssl/types.h>

#include "ctl/tls.h"
#include "daemon/scriptenv.h"

#define SCRIPTCERT_SUBJECT_MAX 1024u   /* a subject line (tls_id_N) */

/* Replace @e's content with @tls's peer chain variables; @cn NULL: the
 * peer's name as the session reads it. */
void scriptcert_capture(struct scriptenv *e, const struct tls_session *tls,
			const char *cn);

/* tls-export-cert DIR: @x as PEM into a new file of @dir (OpenVPN's
 * "pef" temporary file), for tls-verify's peer_cert. Its path
 * (malloc'd; scriptfile_drop() it after the run), or NULL (logged). */
char *scriptcert_export(const char *dir, X509 *x);

#endif
