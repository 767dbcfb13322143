/* remote-cert-ku / remote-cert-eku. See tls_usage.h. */
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "ctl/tls_usage.h"

/* OpenVPN's number for a key usage: bit i of the extension -> 1 << (7 - i). */
static unsigned ku_byte(const ASN1_BIT_STRING *ku)
{
	unsigned v = 0;

	for (int i = 0; i < 8; i++)
		if (ASN1_BIT_STRING_get_bit(ku, i))
			v |= 1u << (7 - i);
	return v;
}

bool tls_usage_ku_ok(X509 *x, const unsigned *want, size_t n, char *err,
		     size_t errlen)
{
	ASN1_BIT_STRING *ku = X509_get_ext_d2i(x, NID_key_usage, NULL, NULL);
	unsigned have;
	bool ok = n == 0;

	if (!ku) {
		snprintf(err, errlen, "certificate has no key usage extension");
		return false;
	}
	have = ku_byte(ku);
	ASN1_BIT_STRING_free(ku);
	for (size_t i = 0; !ok && i < n; i++)
		ok = want[i] && (have & want[i]) == want[i];
	if (!ok)
		snprintf(err, errlen, "certificate has key usage %04x, not one "
			 "of the --remote-cert-ku values", have);
	return ok;
}

static bool oid_is(const ASN1_OBJECT *o, const char *want)
{
	char txt[256];

	return (OBJ_obj2txt(txt, sizeof(txt), o, 0) > 0 && !strcmp(txt, want)) ||
	       (OBJ_obj2txt(txt, sizeof(txt), o, 1) > 0 && !strcmp(txt, want));
}

bool tls_usage_eku_ok(X509 *x, const char *want, char *err, size_t errlen)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL,
						   NULL);
	bool ok = false;

	for (int i = 0; eku && !ok && i < sk_ASN1_OBJECT_num(eku); i++)
		ok = oid_is(sk_ASN1_OBJECT_value(eku, i), want);
	if (!ok)
		snprintf(err, errlen, "certificate has %s extended key usage '%s'",
			 eku ? "no" : "no extended key usage, so no", want);
	EXTENDED_KEY_USAGE_free(eku);
	return ok;
}
