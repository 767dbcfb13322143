/*
 * The control channel's TLS (PROTOCOL.md 2.6, 4): OpenSSL 3 over memory BIOs.
 * OpenSSL never sees a socket. The reliability layer feeds it the TLS bytes
 * carried in P_CONTROL_V1 packets (tls_session_put_ciphertext) and takes out
 * what TLS wants sent, in chunks that fit one control packet
 * (tls_session_get_ciphertext). Plaintext (key method 2, then NUL-terminated
 * control messages) goes through tls_session_write / tls_session_read.
 *
 * One struct tls_ctx per configuration (certificates, verification policy),
 * shared by every struct tls_session made from it (one per key-id: OpenVPN
 * runs a new TLS session for each renegotiation, never TLS renegotiation).
 *
 * Certificate checks, as OpenVPN 2.6 (ssl_verify.c, ssl_verify_openssl.c):
 *  - chain against ca (depth errors reported as "VERIFY ERROR: depth=N,
 *    error=...: subject");
 *  - peer-fingerprint: the leaf's SHA-256 must be in the list; without a ca
 *    the chain itself is not checked (self-signed peers), with a ca both hold;
 *  - remote-cert-tls server|client: as OpenVPN 2.6, the leaf must carry a
 *    key usage extension (any value; OpenSSL checks it fits the key
 *    exchange) and an extended key usage containing serverAuth ("TLS Web
 *    Server Authentication") / clientAuth;
 *  - remote-cert-ku [values] / remote-cert-eku OID: ctl/tls_usage.h;
 *  - verify-x509-name NAME [subject|name|name-prefix] on the leaf only: the
 *    whole subject in OpenVPN's "C=.., O=.., CN=.." form, the CN exactly, or
 *    the CN's prefix.
 * A failed check fails the handshake; tls_session_error() then says why.
 *
 * Errors: 0 / -errno; functions that can fail for a reason a user must read
 * also fill @err (one line, NUL-terminated, at most @errlen bytes), e.g.
 * "ca: cannot parse certificate in inline <ca>", "key does not match cert".
 * Not thread-safe per session; a ctx may be shared by sessions of one thread.
 * Secrets: private keys stay inside OpenSSL; exported keying material is the
 * caller's to wipe.
 */
#ifndef DCOVPN_CTL_TLS_H
#define DCOVPN_CTL_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf/options.h"

#define TLS_ERR_LEN 256u
#define TLS_FPR_LEN 32u		/* SHA-256 peer-fingerprint */

enum tls_role {
	TLS_ROLE_CLIENT,	/* tls-client / client */
	TLS_ROLE_SERVER,	/* tls-server / server */
};

enum tls_remote_cert {
	TLS_REMOTE_CERT_ANY = 0,	/* no remote-cert-tls */
	TLS_REMOTE_CERT_SERVER,		/* remote-cert-tls server */
	TLS_REMOTE_CERT_CLIENT,		/* remote-cert-tls client */
};

enum tls_x509_type {
	TLS_X509_SUBJECT = 0,	/* default: whole subject "C=.., CN=.." */
	TLS_X509_NAME,		/* the CN, exactly */
	TLS_X509_NAME_PREFIX,	/* the CN starts with NAME */
};

enum tls_verify_client {
	TLS_VERIFY_CLIENT_REQUIRE = 0,	/* server default */
	TLS_VERIFY_CLIENT_OPTIONAL,
	TLS_VERIFY_CLIENT_NONE,
};

/* --tls-cert-profile, in the order of its words (conf/opt_tls.c). OpenVPN
 * 2.6 maps them onto OpenSSL security levels (its ssl_openssl.c): legacy 1
 * (the default: RSA/DH >= 1024 bits, no SHA1 certificate signatures under
 * OpenSSL 3), insecure 0, preferred 2 (>= 2048 bits), suiteb 3 plus the
 * "SUITEB128" cipher string (ECDSA P-256/P-384, AES-GCM). */
enum tls_cert_profile {
	TLS_CERT_PROFILE_LEGACY = 0,
	TLS_CERT_PROFILE_INSECURE,
	TLS_CERT_PROFILE_PREFERRED,
	TLS_CERT_PROFILE_SUITEB,
};

/*
 * What a ctx is built from. Strings are OpenVPN's option values (as in
 * struct options) and are only read during tls_ctx_new(); NULL/empty means
 * not given. Files are paths or inline PEM (struct opt_file, inline wins).
 */
struct tls_config {
	enum tls_role role;
	const struct opt_file *ca;	/* NULL or empty: none (needs fingerprints) */
	const struct opt_file *cert;	/* NULL: none (a client may go without
					 * when the server has verify-client-cert
					 * none; the config layer decides) */
	const struct opt_file *key;	/* required with cert, unless ... */
	const struct tls_ext_signer *ext_signer;	/* management-external-
						 * key signs instead; NULL */
	const struct opt_file *extra_certs;	/* sent after cert, optional */
	const struct opt_file *pkcs12;	/* instead of cert and key; its CAs
					 * are trusted without ca (see
					 * ctl/tls_sources.h) */
	const char *capath;		/* CA and CRL directory; NULL: none */
	const char *key_passphrase;	/* encrypted key: its passphrase (askpass);
					 * NULL: the key must be plain */
	const struct opt_file *crl_verify;	/* PEM CRLs checked on the whole
						 * chain (reloaded when the file
						 * changes); NULL: none */
	bool crl_verify_dir;		/* crl_verify is OpenVPN's "dir" of
					 * revoked serials */
	const char *version_min;	/* "1.0" "1.1" "1.2" "1.3"; NULL: "1.2" */
	bool version_min_or_highest;	/* "or-highest": use the highest we have
					 * if version_min is unknown to us */
	const char *version_max;	/* NULL: none */
	const char *cipher;		/* tls-cipher (TLS <= 1.2 list) */
	const char *ciphersuites;	/* tls-ciphersuites (TLS 1.3) */
	const char *groups;		/* tls-groups */
	enum tls_remote_cert remote_cert;
	bool remote_ku;			/* remote-cert-ku given ... */
	const unsigned *remote_ku_values;	/* ... with these values */
	size_t n_remote_ku;		/* (0: the extension must exist) */
	const char *remote_eku;		/* remote-cert-eku OID or name */
	const char *const *username_fields;	/* x509-username-field */
	size_t n_username_fields;	/* 0: the CN names the peer */
	const char *verify_x509_name;	/* NULL: no check */
	enum tls_x509_type verify_x509_type;
	const uint8_t (*peer_fingerprints)[TLS_FPR_LEN];
	size_t n_peer_fingerprints;
	unsigned fpr_depth;		/* of the certificate they are of: 0,
					 * the peer's (peer-fingerprint), or 1,
					 * its issuer's (verify-hash) */
	unsigned fpr_len;		/* 32: SHA-256; 20: SHA1 (verify-hash);
					 * 0: 32 */
	enum tls_verify_client verify_client;	/* server only */
	enum tls_cert_profile cert_profile;	/* what our and the peer's
						 * certificates must meet */
};

struct tls_ctx;
struct tls_session;
struct tls_ext_signer;

/* Parse the textual options into the enums above; -EINVAL with @err if bad. */
int tls_parse_remote_cert(const char *s, enum tls_remote_cert *out,
			  char *err, size_t errlen);
int tls_parse_x509_type(const char *s, enum tls_x509_type *out,
			char *err, size_t errlen);

int tls_ctx_new(struct tls_ctx **out, const struct tls_config *cfg,
		char *err, size_t errlen);
/* The certificate profile (its security level: call it before loading any
 * certificate, the level refuses a weak one of our own there, as OpenVPN's
 * "Cannot load certificate"), suites and groups of @cfg (cipher,
 * ciphersuites, groups; OpenVPN's defaults when unset) set on an OpenSSL
 * context, as tls_ctx_new does: for --show-tls, which lists what a context
 * would offer. */
struct ssl_ctx_st;
int tls_apply_ciphers(struct ssl_ctx_st *sctx, const struct tls_config *cfg,
		      char *err, size_t errlen);
void tls_ctx_free(struct tls_ctx *ctx);

/* A fresh TLS session (one key state). The ctx must outlive it. */
int tls_session_new(struct tls_session **out, struct tls_ctx *ctx,
		    char *err, size_t errlen);
/* Frees and wipes; NULL is fine. */
void tls_session_free(struct tls_session *s);

/* TLS bytes received from the peer, in order (payloads of P_CONTROL_V1).
 * -ENOBUFS if more than 1 MiB would wait unread (a misbehaving peer). */
int tls_session_put_ciphertext(struct tls_session *s, const uint8_t *data,
			       size_t len);
/* Bytes waiting to go to the peer. */
size_t tls_session_pending_ciphertext(const struct tls_session *s);
/* Does TLS hold anything a read could consume: ciphertext put in and not yet
 * processed, or records OpenSSL has buffered? */
bool tls_session_has_input(const struct tls_session *s);
/* Take up to @max bytes for one control packet: the count (0: nothing), or
 * -errno. */
ssize_t tls_session_get_ciphertext(struct tls_session *s, uint8_t *buf,
				   size_t max);

enum tls_hs_state {
	TLS_HS_IN_PROGRESS,	/* feed more ciphertext / send what is pending */
	TLS_HS_DONE,
	TLS_HS_FAILED,		/* tls_session_error() says why; final */
};

/* Advance the handshake with what was put in; call after every put. Idempotent
 * once DONE or FAILED. Ciphertext it produces must be sent even on FAILED
 * (the alert). */
enum tls_hs_state tls_session_handshake(struct tls_session *s);
/* One line: OpenSSL's reason, plus the certificate verification error if any,
 * e.g. "VERIFY ERROR: depth=0, error=unable to get local issuer certificate:
 * CN=server" or "VERIFY EKU ERROR: ...". "" while nothing failed; read it
 * after the failure (its buffer is allocated then). */
const char *tls_session_error(const struct tls_session *s);

/*
 * Plaintext, after TLS_HS_DONE (-EAGAIN before). Write takes all of @len or
 * fails (memory BIOs never block); the records appear as ciphertext.
 * Read returns the count (0: nothing yet), -EPIPE once the peer closed TLS,
 * -EPROTO on a TLS error (tls_session_error() says which).
 */
int tls_session_write(struct tls_session *s, const uint8_t *buf, size_t len);
ssize_t tls_session_read(struct tls_session *s, uint8_t *buf, size_t len);

/* RFC 5705 exporter, no context (OpenVPN's use_context = 0). After DONE. */
int tls_session_export(struct tls_session *s, const char *label,
		       uint8_t *out, size_t len);

/* The peer leaf's common name ("" if none / no cert); -ENOSPC if truncated. */
/* Is the peer's certificate revoked by the context's CRL now (crl-verify;
 * ctl/tls_crl.h)? false without a CRL or a certificate. */
bool tls_session_peer_revoked(struct tls_session *s);
int tls_session_peer_cn(const struct tls_session *s, char *buf, size_t len);

/* The peer's verified chain, leaf first up to the trust anchor (OpenSSL's
 * STACK_OF(X509), owned by the session); NULL before verification. */
struct stack_st_X509;
struct stack_st_X509 *tls_session_peer_chain(const struct tls_session *s);
/* OpenVPN's log line, e.g. "Control Channel: TLSv1.3, cipher TLSv1.3
 * TLS_AES_256_GCM_SHA384, peer certificate: 2048 bits RSA, signature:
 * RSA-SHA256, peer temporary key: 253 bits X25519" (no newline). EC keys
 * read "256 bits EC, curve prime256v1" (2.6.14 built with OpenSSL 3 prints
 * "256 bits ECprime256v1"). -ENOSPC if truncated. */
int tls_session_summary(const struct tls_session *s, char *buf, size_t len);
/* TLS version in use (TLS1_2_VERSION, TLS1_3_VERSION), 0 before DONE. */
int tls_session_version(const struct tls_session *s);

#endif
