/* The peer's name from its certificate. See tls_username.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "base/safename.h"
#include "ctl/tls_username.h"

void tls_cert_subject(X509 *x, char *buf, size_t len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;

	buf[0] = '\0';
	if (!bio)
		return;
	X509_NAME_print_ex(bio, X509_get_subject_name(x), 0,
			   XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
			   ASN1_STRFLGS_UTF8_CONVERT | ASN1_STRFLGS_ESC_CTRL);
	n = BIO_get_mem_data(bio, &p);
	if (n > 0)
		snprintf(buf, len, "%.*s", (int)n, p);
	BIO_free(bio);
	safename_subject(buf);
}

static bool ext_field(const char *f)
{
	int nid = OBJ_txt2nid(f);

	return nid == NID_subject_alt_name || nid == NID_issuer_alt_name;
}

bool tls_username_field_ok(const char *field)
{
	ASN1_OBJECT *o;

	if (!strncmp(field, "ext:", 4))
		return ext_field(field + 4);
	if (!strcmp(field, LN_serialNumber))
		return true;
	o = OBJ_txt2obj(field, 0);
	ASN1_OBJECT_free(o);
	return o != NULL;
}

/* The last occurrence of subject attribute @field. */
static int subject_field(X509 *x, const char *field, char *buf, size_t len)
{
	X509_NAME *name = X509_get_subject_name(x);
	ASN1_OBJECT *o = OBJ_txt2obj(field, 0);
	unsigned char *utf8 = NULL;
	int idx = -1, last = -1, n, ret = 0;

	if (!o)
		return -ENOENT;
	while ((idx = X509_NAME_get_index_by_OBJ(name, o, idx)) >= 0)
		last = idx;
	ASN1_OBJECT_free(o);
	if (last < 0)
		return -ENOENT;
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(
					X509_NAME_get_entry(name, last)));
	if (n < 0)
		return -ENOENT;
	if ((size_t)n >= len || memchr(utf8, 0, (size_t)n))
		ret = (size_t)n >= len ? -ENOSPC : -ENOENT;
	else
		snprintf(buf, len, "%.*s", n, (const char *)utf8);
	OPENSSL_free(utf8);
	return ret;
}

static int serial_field(X509 *x, char *buf, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	int ret = hex && strlen(hex) + 2 < len ? 0 : -ENOSPC;

	if (!ret)
		snprintf(buf, len, "0x%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	return ret;
}

/* E-mail entries of an alt-name extension: the last one, as OpenVPN. */
static int ext_email(X509 *x, const char *field, char *buf, size_t len)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(x, OBJ_txt2nid(field), NULL,
						NULL);
	int ret = -ENOENT;

	for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		const ASN1_IA5STRING *s = g->d.rfc822Name;

		if (g->type != GEN_EMAIL || memchr(ASN1_STRING_get0_data(s), 0,
						   (size_t)ASN1_STRING_length(s)))
			continue;
		if ((size_t)ASN1_STRING_length(s) >= len) {
			ret = -ENOSPC;
			continue;
		}
		snprintf(buf, len, "%.*s", ASN1_STRING_length(s),
			 (const char *)ASN1_STRING_get0_data(s));
		ret = 0;
	}
	GENERAL_NAMES_free(names);
	return ret;
}

static int one_field(X509 *x, const char *field, char *buf, size_t len)
{
	if (!strncmp(field, "ext:", 4))
		return ext_field(field + 4) ? ext_email(x, field + 4, buf, len) :
		       -ENOENT;
	if (!strcmp(field, LN_serialNumber))
		return serial_field(x, buf, len);
	return subject_field(x, field, buf, len);
}

/* The fields joined by '_' into @buf, each at most SAFENAME_FIELD_MAX. */
static int join_fields(X509 *x, const char *const *fields, size_t n,
		       char *buf, size_t len)
{
	char part[SAFENAME_FIELD_MAX + 1];
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		int ret = one_field(x, fields[i], part, sizeof(part));
		int w;

		if (ret) {
			snprintf(buf, len, "%s", fields[i]);
			return ret;
		}
		w = snprintf(buf + used, len - used, "%s%s", i ? "_" : "", part);
		if (w < 0 || (size_t)w >= len - used) {
			snprintf(buf, len, "%s", fields[i]);
			return -E2BIG;
		}
		used += (size_t)w;
	}
	return 0;
}

int tls_cert_username(X509 *x, const char *const *fields, size_t n,
		      char *buf, size_t len)
{
	static const char *const cn[] = { "CN" };
	int ret;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	if (!fields || !n) {
		fields = cn;
		n = 1;
	}
	ret = join_fields(x, fields, n, buf, len);
	/* At the source, so that every consumer sees the same safe name. */
	safename_remap(buf);
	return ret;
}
