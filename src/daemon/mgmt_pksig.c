/*
 * management-external-key: >PK_SIGN (or >RSA_SIGN for a version-1
 * manager) and the pk-sig / rsa-sig block that answers it, as OpenVPN
 * 2.6; management-external-cert: >NEED-CERTIFICATE and its certificate
 * block. The signature is wanted in the middle of a TLS handshake, so only
 * the management interface is served while it is awaited (bounded by
 * MGMT_PKSIG_WAIT_MS), as OpenVPN does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "daemon/mgmt_int.h"

#define MGMT_PKSIG_WAIT_MS 60000u

/* pk-sig / rsa-sig / certificate: the lines up to END are the base64
 * signature, or the certificate's PEM. */
void mgmt_cmd_pk_sig(struct mgmt *m, char **argv, int argc)
{
	(void)argc;
	if (m->pk.state != MGMT_PK_SOLICIT ||
	    (strcmp(argv[0], m->pk.cmd) &&
	     !(!strcmp(argv[0], "rsa-sig") && !strcmp(m->pk.cmd, "pk-sig")))) {
		mgmt_printf(m, "ERROR: The %s command is not currently available",
			    argv[0]);
		return;
	}
	mgmt_extra_reset(m);
	m->extra.on = true;
	m->extra.pk_sig = true;
	m->pk.state = MGMT_PK_INPUT;
}

void mgmt_pksig_done(struct mgmt *m)
{
	m->pk.state = m->extra.overflow ? MGMT_PK_FAILED : MGMT_PK_READY;
	if (m->pk.state == MGMT_PK_READY) {
		m->pk.b64 = m->extra.text;        /* taken over */
		m->pk.b64_len = m->extra.len;
		m->extra.text = NULL;
		m->extra.len = 0;
	}
	mgmt_extra_reset(m);
}

void mgmt_pksig_announce(struct mgmt *m)
{
	if (m->pk.state == MGMT_PK_SOLICIT && m->authed)
		mgmt_send_line(m, m->pk.line);
}

/* The base64 lines (newlines skipped) into @sig. */
static int pk_decode(const struct mgmt *m, uint8_t *sig, size_t *siglen)
{
	EVP_ENCODE_CTX *d = EVP_ENCODE_CTX_new();
	uint8_t *out = malloc(m->pk.b64_len + 4);
	int n = 0, fin = 0, ok;

	ok = d && out;
	if (ok) {
		EVP_DecodeInit(d);
		ok = EVP_DecodeUpdate(d, out, &n, (const uint8_t *)m->pk.b64,
				      (int)m->pk.b64_len) >= 0 &&
		     EVP_DecodeFinal(d, out + n, &fin) > 0;
	}
	ok = ok && (size_t)(n + fin) <= *siglen && n + fin > 0;
	if (ok) {
		memcpy(sig, out, (size_t)(n + fin));
		*siglen = (size_t)(n + fin);
	}
	EVP_ENCODE_CTX_free(d);
	free(out);
	return ok ? 0 : -EBADMSG;
}

static void pk_reset(struct mgmt *m)
{
	free(m->pk.line);
	free(m->pk.b64);
	memset(&m->pk, 0, sizeof(m->pk));
}

/*
 * Send @line (taking it) and serve the management interface until the
 * @cmd block answers (or MGMT_PKSIG_WAIT_MS pass); then @desc's SUCCESS or
 * ERROR. 0 with the block in m->pk.b64 (pk_reset frees it), or -EIO.
 */
static int pk_query(struct mgmt *m, char *line, const char *cmd,
		    const char *desc)
{
	uint64_t until = clock_now_ms() + MGMT_PKSIG_WAIT_MS;

	m->pk.line = line;
	snprintf(m->pk.cmd, sizeof(m->pk.cmd), "%s", cmd);
	m->pk.state = MGMT_PK_SOLICIT;
	mgmt_pksig_announce(m);
	while ((m->pk.state == MGMT_PK_SOLICIT || m->pk.state == MGMT_PK_INPUT) &&
	       clock_now_ms() < until)
		mgmt_serve_only(m, until);
	if (m->pk.state == MGMT_PK_READY || m->pk.state == MGMT_PK_FAILED)
		mgmt_printf(m, m->pk.state == MGMT_PK_READY ?
			    "SUCCESS: %s command succeeded" :
			    "ERROR: %s command failed", desc);
	if (m->pk.state == MGMT_PK_SOLICIT)
		log_err("MANAGEMENT: no answer to %s from the management "
			"interface within %u s", desc, MGMT_PKSIG_WAIT_MS / 1000u);
	if (m->pk.state == MGMT_PK_INPUT)
		mgmt_extra_reset(m);
	return m->pk.state == MGMT_PK_READY ? 0 : -EIO;
}

int mgmt_pk_sign(struct mgmt *m, const char *alg, const uint8_t *in,
		 size_t inlen, uint8_t *sig, size_t *siglen)
{
	size_t blen = 4 * ((inlen + 2) / 3) + 1;
	char *b64 = malloc(blen), *line = NULL;
	bool v1 = m->client_version <= 1;
	int ret;

	pk_reset(m);
	if (!b64)
		return -ENOMEM;
	EVP_EncodeBlock((uint8_t *)b64, in, (int)inlen);
	if (asprintf(&line, ">%s:%s%s%s", v1 ? "RSA_SIGN" : "PK_SIGN", b64,
		     m->client_version > 2 ? "," : "",
		     m->client_version > 2 ? alg : "") < 0)
		line = NULL;
	free(b64);
	if (!line)
		return -ENOMEM;
	ret = pk_query(m, line, v1 ? "rsa-sig" : "pk-sig",
		       v1 ? "rsa-sign" : "pk-sign");
	if (!ret)
		ret = pk_decode(m, sig, siglen);
	pk_reset(m);
	return ret;
}

int mgmt_get_cert(struct mgmt *m, const char *hint, char **pem)
{
	char *line = NULL;
	int ret;

	pk_reset(m);
	if (asprintf(&line, ">NEED-CERTIFICATE:%s", hint) < 0)
		return -ENOMEM;
	ret = pk_query(m, line, "certificate", "certificate");
	*pem = ret ? NULL : m->pk.b64;      /* the PEM lines, taken over */
	if (!ret)
		m->pk.b64 = NULL;
	pk_reset(m);
	return ret;
}
