/*
 * management-external-key: >PK_SIGN (or >RSA_SIGN for a version-1
 * manager) and the pk-sig / rsa-sig block that answers it, as OpenVPN
 * 2.6. The signature is wanted in the middle of a TLS handshake, so only
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

/* pk-sig / rsa-sig: the lines up to END are the base64 signature. */
void mgmt_cmd_pk_sig(struct mgmt *m, char **argv, int argc)
{
	(void)argc;
	if (m->pk.state != MGMT_PK_SOLICIT) {
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
		mgmt_printf(m, "%s", m->pk.line);
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

int mgmt_pk_sign(struct mgmt *m, const char *alg, const uint8_t *in,
		 size_t inlen, uint8_t *sig, size_t *siglen)
{
	size_t blen = 4 * ((inlen + 2) / 3) + 1;
	char *b64 = malloc(blen);
	uint64_t until = clock_now_ms() + MGMT_PKSIG_WAIT_MS;
	bool v1 = m->client_version <= 1;
	int ret = -ENOMEM;

	pk_reset(m);
	if (!b64)
		return ret;
	EVP_EncodeBlock((uint8_t *)b64, in, (int)inlen);
	if (asprintf(&m->pk.line, ">%s:%s%s%s", v1 ? "RSA_SIGN" : "PK_SIGN", b64,
		     m->client_version > 2 ? "," : "",
		     m->client_version > 2 ? alg : "") < 0)
		m->pk.line = NULL;
	free(b64);
	if (!m->pk.line)
		return ret;
	m->pk.state = MGMT_PK_SOLICIT;
	mgmt_pksig_announce(m);
	while (m->pk.state == MGMT_PK_SOLICIT || m->pk.state == MGMT_PK_INPUT) {
		if (clock_now_ms() >= until)
			break;
		mgmt_serve_only(m, until);
	}
	ret = m->pk.state == MGMT_PK_READY ? pk_decode(m, sig, siglen) : -EIO;
	if (m->pk.state == MGMT_PK_READY || m->pk.state == MGMT_PK_FAILED)
		mgmt_printf(m, ret ? "ERROR: %s command failed" :
			    "SUCCESS: %s command succeeded",
			    v1 ? "rsa-sign" : "pk-sign");
	if (m->pk.state == MGMT_PK_SOLICIT)
		log_err("MANAGEMENT: no signature from the management interface "
			"within %u s", MGMT_PKSIG_WAIT_MS / 1000u);
	if (m->pk.state == MGMT_PK_INPUT)
		mgmt_extra_reset(m);
	pk_reset(m);
	return ret;
}
