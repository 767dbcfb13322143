/* Peer certificate variables for scripts (see scriptcert.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/safename.h"
#include "ctl/tls_username.h"
#include "base/log.h"
#include "daemon/scriptcert.h"
#include "daemon/scriptfile.h"

static void hex_colon(const unsigned char *p, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 3 * i, "%02x%s", p[i], i + 1 < len ? ":" : "");
	if (!len)
		out[0] = '\0';
}

static void cert_fields(struct scriptenv *e, X509 *x, unsigned depth)
{
	const X509_NAME *name = X509_get_subject_name(x);

	for (int i = 0; i < X509_NAME_entry_count(name); i++) {
		const X509_NAME_ENTRY *ent = X509_NAME_get_entry(name, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(ent));
		unsigned char *val = NULL;
		char var[96];

		if (nid == NID_undef || ASN1_STRING_to_UTF8(&val,
		    X509_NAME_ENTRY_get_data(ent)) < 0)
			continue;
		snprintf(var, sizeof(var), "X509_%u_%s", depth, OBJ_nid2sn(nid));
		safename_remap((char *)val);
		scriptenv_set(e, var, "%s", (char *)val);
		OPENSSL_free(val);
	}
}

static void cert_subject(struct scriptenv *e, X509 *x, unsigned depth)
{
	char s[SCRIPTCERT_SUBJECT_MAX];

	tls_cert_subject(x, s, sizeof(s));	/* as OpenVPN's tls_id_N */
	scriptenv_set_i(e, "tls_id", depth, s);
}

static void cert_digests(struct scriptenv *e, X509 *x, unsigned depth)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[3 * EVP_MAX_MD_SIZE + 1];
	unsigned len;

	if (X509_digest(x, EVP_sha1(), md, &len)) {
		hex_colon(md, len, hex);
		scriptenv_set_i(e, "tls_digest", depth, hex);
	}
	if (X509_digest(x, EVP_sha256(), md, &len)) {
		hex_colon(md, len, hex);
		scriptenv_set_i(e, "tls_digest_sha256", depth, hex);
	}
}

static void cert_serial(struct scriptenv *e, X509 *x, unsigned depth)
{
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);
	char *dec = bn ? BN_bn2dec(bn) : NULL;
	char *hex = malloc(3 * (size_t)sn->length + 1);

	if (dec)
		scriptenv_set_i(e, "tls_serial", depth, dec);
	if (hex) {
		hex_colon(sn->data, (size_t)sn->length, hex);
		scriptenv_set_i(e, "tls_serial_hex", depth, hex);
	}
	free(hex);
	OPENSSL_free(dec);
	BN_free(bn);
}

void scriptcert_capture(struct scriptenv *e, const struct tls_session *tls,
			const char *cn)
{
	STACK_OF(X509) *chain = tls ? tls_session_peer_chain(tls) : NULL;
	int n = chain ? sk_X509_num(chain) : 0;

	scriptenv_free(e);
	/* OpenVPN verifies from the anchor down: the deepest first */
	for (int d = n - 1; d >= 0; d--) {
		X509 *x = sk_X509_value(chain, d);

		cert_fields(e, x, (unsigned)d);
		cert_subject(e, x, (unsigned)d);
		cert_digests(e, x, (unsigned)d);
		cert_serial(e, x, (unsigned)d);
	}
	if (n && !cn) {
		char peer[SAFENAME_MAX];

		/* already mapped where it is taken (base/safename.h) */
		tls_session_peer_cn(tls, peer, sizeof(peer));
		scriptenv_set(e, "common_name", "%s", peer);
	} else if (n) {
		scriptenv_set(e, "common_name", "%s", cn);
	}
}

char *scriptcert_export(const char *dir, X509 *x)
{
	int fd = -1;
	char *path = scriptfile_make(dir, "pef", &fd);
	FILE *f = path ? fdopen(fd, "w") : NULL;

	if (f && PEM_write_X509(f, x) && !fclose(f))
		return path;
	if (f)
		fclose(f);
	else if (fd >= 0)
		close(fd);
	log_err("TLS Error: Failed to export certificate for "
		"--tls-export-cert in %s", dir);
	scriptfile_drop(&path);
	return NULL;
}
