/*
 * Control channel TLS over memory BIOs (tls.h).
 *
 * Here: the ctx (policy copy, OpenSSL setup), then the session: two
 * memory BIOs, handshake, plaintext, exporter, and the log summary. The
 * other parts are listed in tls_int.h.
 *
 * The verify callback finds its session through SSL_get_app_data, so no
 * process-wide ex_data index (a global) is needed.
 */
#include "ctl/tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "base/mem.h"
#include "ctl/tls_bio.h"
#include "ctl/tls_crl.h"
#include "ctl/tls_int.h"
#include "ctl/tls_sources.h"
#include "ctl/tls_username.h"

/* Unread input held for a session: a peer cannot make us buffer more. */
#define TLS_MAX_BUFFERED (1u << 20)


static int verify_mode(const struct tls_config *cfg)
{
	if (cfg->role == TLS_ROLE_SERVER) {
		if (cfg->verify_client == TLS_VERIFY_CLIENT_NONE)
			return SSL_VERIFY_NONE;
		if (cfg->verify_client == TLS_VERIFY_CLIENT_OPTIONAL)
			return SSL_VERIFY_PEER;
	}
	return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
}

/* ---------------------------------------------------------------- ctx */

static int ctx_copy_policy(struct tls_ctx *ctx, const struct tls_config *cfg,
			   char *err, size_t errlen)
{
	ctx->role = cfg->role;
	ctx->remote_cert = cfg->remote_cert;
	ctx->ku = cfg->remote_ku;
	ctx->n_ku = cfg->n_remote_ku < 15 ? cfg->n_remote_ku : 15;
	if (ctx->n_ku)
		memcpy(ctx->ku_values, cfg->remote_ku_values,
		       ctx->n_ku * sizeof(ctx->ku_values[0]));
	if (cfg->remote_eku && !(ctx->eku = strdup(cfg->remote_eku)))
		goto nomem;
	if (cfg->n_username_fields) {
		ctx->user_fields = calloc(cfg->n_username_fields, sizeof(char *));
		if (!ctx->user_fields)
			goto nomem;
		ctx->n_user_fields = cfg->n_username_fields;
		for (size_t i = 0; i < cfg->n_username_fields; i++)
			if (!(ctx->user_fields[i] = strdup(cfg->username_fields[i])))
				goto nomem;
	}
	ctx->x509_type = cfg->verify_x509_type;
	if (cfg->verify_x509_name && *cfg->verify_x509_name) {
		ctx->x509_name = strdup(cfg->verify_x509_name);
		if (!ctx->x509_name)
			goto nomem;
	}
	if (cfg->n_peer_fingerprints) {
		ctx->fprs = calloc(cfg->n_peer_fingerprints, TLS_FPR_LEN);
		if (!ctx->fprs)
			goto nomem;
		memcpy(ctx->fprs, cfg->peer_fingerprints,
		       cfg->n_peer_fingerprints * TLS_FPR_LEN);
		ctx->n_fprs = cfg->n_peer_fingerprints;
		ctx->fpr_depth = cfg->fpr_depth;
		ctx->fpr_len = cfg->fpr_len ? cfg->fpr_len : TLS_FPR_LEN;
	}
	ctx->no_ca = !tls_file_given(cfg->ca) &&
		     !tls_file_given(cfg->pkcs12) &&
		     !(cfg->capath && *cfg->capath);
	if (ctx->no_ca && !(ctx->n_fprs && !ctx->fpr_depth) &&
	    !(cfg->role == TLS_ROLE_SERVER &&
	      cfg->verify_client == TLS_VERIFY_CLIENT_NONE)) {
		errbuf_set(err, errlen, "ca or peer-fingerprint is required to verify "
			   "the peer");
		return -EINVAL;
	}
	return 0;
nomem:
	errbuf_set(err, errlen, "out of memory");
	return -ENOMEM;
}

static int ctx_setup(struct tls_ctx *ctx, const struct tls_config *cfg,
		     char *err, size_t errlen)
{
	SSL_CTX *sctx = ctx->ssl_ctx;
	int ret;

	/* As OpenVPN: no tickets, no TLS renegotiation (it makes new sessions
	 * instead), no compression, no session cache. */
	SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION |
			    SSL_OP_CIPHER_SERVER_PREFERENCE |
			    SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_default_passwd_cb(sctx, tls_no_passphrase);
	SSL_CTX_set_verify(sctx, verify_mode(cfg), tls_verify_cb);
	ret = tls_set_versions(sctx, cfg, err, errlen);
	if (!ret)	/* the profile's level before any certificate loads */
		ret = tls_apply_ciphers(sctx, cfg, err, errlen);
	if (!ret && tls_file_given(cfg->ca))
		ret = tls_load_ca(sctx, cfg->ca, cfg->role == TLS_ROLE_SERVER,
				  err, errlen);
	if (!ret && cfg->capath && *cfg->capath)
		ret = tls_capath_add(sctx, cfg->capath, err, errlen);
	if (!ret && tls_file_given(cfg->crl_verify))
		ret = tls_crl_init(&ctx->crl, sctx, cfg->crl_verify,
				   cfg->crl_verify_dir, err, errlen);
	if (!ret)
		ret = tls_load_credentials(sctx, cfg, err, errlen);
	return ret;
}

int tls_ctx_new(struct tls_ctx **out, const struct tls_config *cfg,
		char *err, size_t errlen)
{
	struct tls_ctx *ctx;
	int ret;

	*out = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		errbuf_set(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = ctx_copy_policy(ctx, cfg, err, errlen);
	if (ret)
		goto err_free;
	ctx->ssl_ctx = SSL_CTX_new(cfg->role == TLS_ROLE_SERVER ?
				   TLS_server_method() : TLS_client_method());
	if (!ctx->ssl_ctx) {
		errbuf_set(err, errlen, "cannot create an OpenSSL context");
		ret = -ENOMEM;
		goto err_free;
	}
	ret = ctx_setup(ctx, cfg, err, errlen);
	if (ret)
		goto err_free;
	*out = ctx;
	return 0;
err_free:
	ERR_clear_error();
	tls_ctx_free(ctx);
	return ret;
}

void tls_ctx_free(struct tls_ctx *ctx)
{
	if (!ctx)
		return;
	SSL_CTX_free(ctx->ssl_ctx);
	tls_crl_free(&ctx->crl);
	free(ctx->x509_name);
	free(ctx->eku);
	for (size_t i = 0; ctx->user_fields && i < ctx->n_user_fields; i++)
		free(ctx->user_fields[i]);
	free(ctx->user_fields);
	free(ctx->fprs);
	free(ctx);
}

/* ------------------------------------------------------------ session */

int tls_session_new(struct tls_session **out, struct tls_ctx *ctx,
		    char *err, size_t errlen)
{
	struct tls_session *s;

	*out = NULL;
	/* a CRL file edited since the last session counts from this one on */
	tls_crl_refresh(&ctx->crl, ctx->ssl_ctx);
	s = calloc(1, sizeof(*s));
	if (!s)
		goto nomem;
	s->ctx = ctx;
	s->ssl = SSL_new(ctx->ssl_ctx);
	s->in = tls_bio_new_in();
	s->out = tls_bio_new_out();
	if (!s->ssl || !s->in || !s->out) {
		BIO_free(s->in);
		BIO_free(s->out);
		SSL_free(s->ssl);
		free(s);
		goto nomem;
	}
	SSL_set_bio(s->ssl, s->in, s->out);
	SSL_set_app_data(s->ssl, s);
	/* its 16 kB+ record buffers only while a record is in them: a
	 * server holds a session per client, idle after the handshake */
	SSL_set_mode(s->ssl, SSL_MODE_RELEASE_BUFFERS);
	if (ctx->role == TLS_ROLE_SERVER)
		SSL_set_accept_state(s->ssl);
	else
		SSL_set_connect_state(s->ssl);
	*out = s;
	return 0;
nomem:
	ERR_clear_error();
	errbuf_set(err, errlen, "cannot create a TLS session: out of memory");
	return -ENOMEM;
}

void tls_session_free(struct tls_session *s)
{
	if (!s)
		return;
	SSL_free(s->ssl);	/* frees both BIOs, wipes its secrets */
	free(s->verify_err);
	free(s->err);
	mem_wipe(s, sizeof(*s));
	free(s);
}

int tls_session_put_ciphertext(struct tls_session *s, const uint8_t *data,
			       size_t len)
{
	if (len > TLS_MAX_BUFFERED ||
	    BIO_ctrl_pending(s->in) > TLS_MAX_BUFFERED - len)
		return -ENOBUFS;
	if (!len)
		return 0;
	if (BIO_write(s->in, data, (int)len) != (int)len) {
		ERR_clear_error();
		return -ENOMEM;
	}
	return 0;
}

size_t tls_session_pending_ciphertext(const struct tls_session *s)
{
	return BIO_ctrl_pending(s->out);
}

bool tls_session_has_input(const struct tls_session *s)
{
	return BIO_ctrl_pending(s->in) || SSL_has_pending(s->ssl);
}

ssize_t tls_session_get_ciphertext(struct tls_session *s, uint8_t *buf,
				   size_t max)
{
	int n;

	if (max > INT32_MAX)
		max = INT32_MAX;
	if (!max || !BIO_ctrl_pending(s->out))
		return 0;
	n = BIO_read(s->out, buf, (int)max);
	if (n < 0) {
		ERR_clear_error();
		return -EIO;
	}
	if (s->state == TLS_HS_DONE && !s->bios_trimmed &&
	    !BIO_ctrl_pending(s->out))
		s->bios_trimmed = tls_bio_trim(s->ssl, &s->in, &s->out);
	return n;
}

/* Record why the session failed: OpenSSL's reason and the verify error. */
static void session_fail(struct tls_session *s, const char *what)
{
	char reason[160];

	ssl_reason(reason, sizeof(reason));
	s->state = TLS_HS_FAILED;
	if (!s->err)
		s->err = malloc(2 * TLS_ERR_LEN);
	if (!s->err)
		return;
	if (s->verify_err && s->verify_err[0])
		snprintf(s->err, 2 * TLS_ERR_LEN, "%s: %s (%s)", what,
			 s->verify_err, reason);
	else
		snprintf(s->err, 2 * TLS_ERR_LEN, "%s: %s", what, reason);
}

enum tls_hs_state tls_session_handshake(struct tls_session *s)
{
	int r;

	if (s->state != TLS_HS_IN_PROGRESS)
		return s->state;
	ERR_clear_error();
	r = SSL_do_handshake(s->ssl);
	if (r == 1) {
		s->state = TLS_HS_DONE;
		return s->state;
	}
	switch (SSL_get_error(s->ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return TLS_HS_IN_PROGRESS;
	default:
		session_fail(s, "TLS handshake failed");
		return s->state;
	}
}

const char *tls_session_error(const struct tls_session *s)
{
	return s->err ? s->err : "";
}

int tls_session_write(struct tls_session *s, const uint8_t *buf, size_t len)
{
	int n;

	if (s->state != TLS_HS_DONE)
		return s->state == TLS_HS_FAILED ? -EPROTO : -EAGAIN;
	if (len > INT32_MAX)
		return -EMSGSIZE;
	if (!len)
		return 0;
	ERR_clear_error();
	n = SSL_write(s->ssl, buf, (int)len);
	if (n == (int)len)
		return 0;
	session_fail(s, "TLS write failed");
	return -EPROTO;
}

ssize_t tls_session_read(struct tls_session *s, uint8_t *buf, size_t len)
{
	int n;

	if (s->state != TLS_HS_DONE)
		return s->state == TLS_HS_FAILED ? -EPROTO : -EAGAIN;
	if (len > INT32_MAX)
		len = INT32_MAX;
	/* nothing to decrypt: SSL_read would only say WANT_READ (the
	 * session is polled after every packet of every key state) */
	if (!len || !tls_session_has_input(s))
		return 0;
	ERR_clear_error();
	n = SSL_read(s->ssl, buf, (int)len);
	if (n > 0)
		return n;
	switch (SSL_get_error(s->ssl, n)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		return -EPIPE;
	default:
		session_fail(s, "TLS read failed");
		return -EPROTO;
	}
}

int tls_session_export(struct tls_session *s, const char *label,
		       uint8_t *out, size_t len)
{
	if (s->state != TLS_HS_DONE)
		return -EAGAIN;
	if (SSL_export_keying_material(s->ssl, out, len, label, strlen(label),
				       NULL, 0, 0) != 1) {
		ERR_clear_error();
		mem_wipe(out, len);
		return -EIO;
	}
	return 0;
}

bool tls_session_peer_revoked(struct tls_session *s)
{
	return tls_crl_revoked(&s->ctx->crl, s->ctx->ssl_ctx,
			       SSL_get0_peer_certificate(s->ssl));
}

int tls_session_peer_cn(const struct tls_session *s, char *buf, size_t len)
{
	X509 *x = SSL_get0_peer_certificate(s->ssl);

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	if (!x)
		return 0;
	return tls_cert_username(x, (const char *const *)s->ctx->user_fields,
				 s->ctx->n_user_fields, buf, len);
}

struct stack_st_X509 *tls_session_peer_chain(const struct tls_session *s)
{
	return SSL_get0_verified_chain(s->ssl);
}

int tls_session_version(const struct tls_session *s)
{
	return s->state == TLS_HS_DONE ? SSL_version(s->ssl) : 0;
}

/* "2048 bits RSA" / "256 bits EC, curve prime256v1", as OpenVPN prints keys. */
static void pkey_line(EVP_PKEY *pkey, char *buf, size_t len)
{
	const char *type = EVP_PKEY_get0_type_name(pkey);
	char group[64] = "";
	size_t glen = 0;

	if (EVP_PKEY_is_a(pkey, "EC") &&
	    !EVP_PKEY_get_group_name(pkey, group, sizeof(group), &glen))
		group[0] = '\0';
	snprintf(buf, len, "%d bits %s%s%s", EVP_PKEY_get_bits(pkey),
		 type ? type : "(unknown type)", group[0] ? ", curve " : "", group);
}

static void cert_part(const struct tls_session *s, char *buf, size_t len)
{
	X509 *x = SSL_get0_peer_certificate(s->ssl);
	EVP_PKEY *pkey = x ? X509_get0_pubkey(x) : NULL;
	char key[96] = "";
	int nid;

	buf[0] = '\0';
	if (!x)
		return;
	if (pkey)
		pkey_line(pkey, key, sizeof(key));
	nid = X509_get_signature_nid(x);
	snprintf(buf, len, ", peer certificate: %s%s%s", key,
		 nid ? ", signature: " : "", nid ? OBJ_nid2sn(nid) : "");
}

static void tempkey_part(const struct tls_session *s, char *buf, size_t len)
{
	EVP_PKEY *pkey = NULL;
	char key[96];

	buf[0] = '\0';
	if (!SSL_get_peer_tmp_key(s->ssl, &pkey) || !pkey)
		return;
	pkey_line(pkey, key, sizeof(key));
	snprintf(buf, len, ", peer temporary key: %s", key);
	EVP_PKEY_free(pkey);
}

int tls_session_summary(const struct tls_session *s, char *buf, size_t len)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(s->ssl);
	char certs[200], tmp[128];
	int n;

	if (!len)
		return -ENOSPC;
	cert_part(s, certs, sizeof(certs));
	tempkey_part(s, tmp, sizeof(tmp));
	ERR_clear_error();
	n = snprintf(buf, len, "Control Channel: %s, cipher %s %s%s%s",
		     SSL_get_version(s->ssl), c ? SSL_CIPHER_get_version(c) : "",
		     c ? SSL_CIPHER_get_name(c) : "(none)", certs, tmp);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}
