/*
 * The control channel's TLS, shared by the files that make it up (internal
 * to ctl/tls*.c, not an API; tls.h is the API):
 *   tls.c          the ctx (policy copy, OpenSSL setup) and the session:
 *                  memory BIOs, handshake, plaintext, exporter, summary
 *   tls_policy.c   option text (remote-cert-tls, verify-x509-name type),
 *                  TLS versions and cipher lists
 *   tls_load.c     certificates, keys and CAs from PEM files or inline
 *   tls_verify.c   the verify callback: OpenVPN's checks on top of
 *                  OpenSSL's chain verification
 */
#ifndef DCOVPN_CTL_TLS_INT_H
#define DCOVPN_CTL_TLS_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "base/errbuf.h"
#include "ctl/tls.h"
#include "ctl/tls_crl.h"

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
	bool bios_trimmed;		/* after the handshake's flights */
	/* Heap, allocated only when something failed (most sessions never
	 * do: 768 bytes less per server client); NULL: none. */
	char *verify_err;		/* TLS_ERR_LEN: by the verify callback */
	char *err;			/* 2 * TLS_ERR_LEN: what + verify_err + reason */
};

/* @s's verify error buffer (TLS_ERR_LEN bytes), allocated on first use;
 * NULL when out of memory (errbuf_set then writes nothing). */
static inline char *tls_verify_errbuf(struct tls_session *s)
{
	if (!s->verify_err)
		s->verify_err = calloc(1, TLS_ERR_LEN);
	return s->verify_err;
}

/* The reason of the most recent OpenSSL error ("" if none); clears the queue. */
static inline void ssl_reason(char *buf, size_t len)
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

/* Is the file given (a path or inline data)? */
bool tls_file_given(const struct opt_file *f);
/* Passphrase callback that refuses to prompt on the terminal. */
int tls_no_passphrase(char *buf, int size, int rwflag, void *u);
/* --ca: its certificates (and CRLs) into @sctx's store. */
int tls_load_ca(SSL_CTX *sctx, const struct opt_file *f, bool server,
		char *err, size_t errlen);
/* Our certificate and key (PEM or pkcs12), then extra-certs. */
int tls_load_credentials(SSL_CTX *sctx, const struct tls_config *cfg,
			 char *err, size_t errlen);
/* tls-version-min / tls-version-max. */
int tls_set_versions(SSL_CTX *sctx, const struct tls_config *cfg,
		     char *err, size_t errlen);
/* SSL_CTX_set_verify callback; finds its session by SSL_get_app_data. */
int tls_verify_cb(int preverify_ok, X509_STORE_CTX *xs);

#endif
