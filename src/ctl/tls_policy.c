/*
 * TLS policy (tls_int.h): the option text of remote-cert-tls and
 * verify-x509-name's type, the version range, and the cipher lists.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "ctl/tls.h"
#include "ctl/tls_int.h"

/* ------------------------------------------------------------ option text */

int tls_parse_remote_cert(const char *s, enum tls_remote_cert *out,
			  char *err, size_t errlen)
{
	if (!s || !*s)
		*out = TLS_REMOTE_CERT_ANY;
	else if (!strcmp(s, "server"))
		*out = TLS_REMOTE_CERT_SERVER;
	else if (!strcmp(s, "client"))
		*out = TLS_REMOTE_CERT_CLIENT;
	else {
		errbuf_set(err, errlen, "--remote-cert-tls must be 'client' or 'server'");
		return -EINVAL;
	}
	return 0;
}

int tls_parse_x509_type(const char *s, enum tls_x509_type *out,
			char *err, size_t errlen)
{
	if (!s || !*s || !strcmp(s, "subject"))
		*out = TLS_X509_SUBJECT;
	else if (!strcmp(s, "name"))
		*out = TLS_X509_NAME;
	else if (!strcmp(s, "name-prefix"))
		*out = TLS_X509_NAME_PREFIX;
	else {
		errbuf_set(err, errlen, "unknown verify-x509-name type '%s' "
			   "(subject, name or name-prefix)", s);
		return -EINVAL;
	}
	return 0;
}

/* "1.2" -> TLS1_2_VERSION; or-highest turns an unknown one into TLS 1.3. */
static int parse_version(const char *s, bool or_highest, int *out)
{
	static const struct { const char *name; int v; } tab[] = {
		{ "1.0", TLS1_VERSION }, { "1.1", TLS1_1_VERSION },
		{ "1.2", TLS1_2_VERSION }, { "1.3", TLS1_3_VERSION },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(s, tab[i].name)) {
			*out = tab[i].v;
			return 0;
		}
	}
	if (or_highest) {
		*out = TLS1_3_VERSION;
		return 0;
	}
	return -EINVAL;
}

/* ------------------------------------------------------------- policy */

int tls_set_versions(SSL_CTX *sctx, const struct tls_config *cfg,
		     char *err, size_t errlen)
{
	int vmin = TLS1_2_VERSION, vmax = 0;

	if (cfg->version_min && *cfg->version_min &&
	    parse_version(cfg->version_min, cfg->version_min_or_highest, &vmin)) {
		errbuf_set(err, errlen, "unknown tls-version-min '%s'", cfg->version_min);
		return -EINVAL;
	}
	if (cfg->version_max && *cfg->version_max &&
	    parse_version(cfg->version_max, false, &vmax)) {
		errbuf_set(err, errlen, "unknown tls-version-max '%s'", cfg->version_max);
		return -EINVAL;
	}
	if (vmax && vmax < vmin) {
		errbuf_set(err, errlen, "tls-version-min %s is above tls-version-max %s",
			   cfg->version_min, cfg->version_max);
		return -EINVAL;
	}
	if (!SSL_CTX_set_min_proto_version(sctx, vmin) ||
	    (vmax && !SSL_CTX_set_max_proto_version(sctx, vmax))) {
		errbuf_set(err, errlen, "failed to set the TLS version range");
		return -EINVAL;
	}
	return 0;
}

/* OpenVPN's default --tls-cipher: OpenSSL's default without weak suites. */
#define TLS_DEFAULT_CIPHERS "DEFAULT:!EXP:!LOW:!MEDIUM:!kDH:!kECDH:!DSS:!PSK:" \
	"!SRP:!kRSA"
#define TLS_CIPHERS_MAX 4096u

/*
 * The OpenSSL name of an IANA-named TLS <= 1.2 suite as OpenVPN writes them
 * ("TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384"), found among every suite OpenSSL
 * knows; NULL if @tok is no such name (it is then passed on as it is).
 */
static const char *iana_to_openssl(STACK_OF(SSL_CIPHER) *all, const char *tok,
				   size_t n)
{
	for (int i = 0; i < sk_SSL_CIPHER_num(all); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(all, i);
		const char *std = SSL_CIPHER_standard_name(c);
		size_t j;

		if (!std || strlen(std) != n)
			continue;
		for (j = 0; j < n; j++) {
			char a = tok[j] == '-' ? '_' : tok[j];

			if (toupper((unsigned char)a) != std[j])
				break;
		}
		if (j == n)
			return SSL_CIPHER_get_name(c);
	}
	return NULL;
}

/* tls-cipher with IANA names translated, as OpenVPN does; -ENOSPC if long. */
static int translate_ciphers(const char *list, char *out, size_t cap)
{
	SSL_CTX *tmp = SSL_CTX_new(TLS_method());
	STACK_OF(SSL_CIPHER) *all = NULL;
	size_t len = 0;
	int ret = 0;

	if (tmp && SSL_CTX_set_cipher_list(tmp, "ALL:COMPLEMENTOFALL"))
		all = SSL_CTX_get_ciphers(tmp);
	out[0] = '\0';
	for (const char *p = list; *p && !ret; p += strcspn(p, ":"), p += !!*p) {
		size_t n = strcspn(p, ":");
		const char *name = all ? iana_to_openssl(all, p, n) : NULL;
		size_t nl = name ? strlen(name) : n;

		if (len + nl + 2 > cap) {
			ret = -ENOSPC;
			break;
		}
		memcpy(out + len, name ? name : p, nl);
		len += nl;
		out[len++] = ':';
		out[len] = '\0';
	}
	if (len)
		out[len - 1] = '\0';
	SSL_CTX_free(tmp);
	ERR_clear_error();
	return ret;
}

static int set_cipher_list(SSL_CTX *sctx, const char *list, char *err,
			   size_t errlen)
{
	char buf[TLS_CIPHERS_MAX];

	if (!list || !*list)
		list = TLS_DEFAULT_CIPHERS;
	if (translate_ciphers(list, buf, sizeof(buf))) {
		errbuf_set(err, errlen, "tls-cipher: list too long");
		return -EINVAL;
	}
	if (!SSL_CTX_set_cipher_list(sctx, buf)) {
		errbuf_set(err, errlen, "tls-cipher: no usable cipher in '%s'", list);
		return -EINVAL;
	}
	return 0;
}

/* tls-ciphersuites: OpenVPN accepts '-' for '_' in the TLS 1.3 names. */
static int set_ciphersuites(SSL_CTX *sctx, const char *list, char *err,
			    size_t errlen)
{
	char buf[TLS_CIPHERS_MAX];

	if (!list || !*list)
		return 0;
	if (strlen(list) >= sizeof(buf)) {
		errbuf_set(err, errlen, "tls-ciphersuites: list too long");
		return -EINVAL;
	}
	for (size_t i = 0; ; i++) {
		buf[i] = list[i] == '-' ? '_' : list[i];
		if (!list[i])
			break;
	}
	if (!SSL_CTX_set_ciphersuites(sctx, buf)) {
		errbuf_set(err, errlen, "tls-ciphersuites: no usable suite in '%s'",
			   list);
		return -EINVAL;
	}
	return 0;
}

static int set_ciphers(SSL_CTX *sctx, const struct tls_config *cfg,
		       char *err, size_t errlen)
{
	int ret = set_cipher_list(sctx, cfg->cipher, err, errlen);

	if (!ret)
		ret = set_ciphersuites(sctx, cfg->ciphersuites, err, errlen);
	if (ret) {
		ERR_clear_error();
		return ret;
	}
	if (cfg->groups && *cfg->groups &&
	    !SSL_CTX_set1_groups_list(sctx, cfg->groups)) {
		errbuf_set(err, errlen, "tls-groups: cannot use '%s'", cfg->groups);
		return -EINVAL;
	}
	ERR_clear_error();
	return 0;
}

/* Before the suites, as OpenVPN: the suite-B flags "SUITEB128" sets survive
 * the cipher list set after it, which OpenSSL then replaces by the suite-B
 * suites (--show-tls lists those too). */
static int set_cert_profile(SSL_CTX *sctx, enum tls_cert_profile p,
			    char *err, size_t errlen)
{
	static const int level[] = {
		[TLS_CERT_PROFILE_LEGACY] = 1, [TLS_CERT_PROFILE_INSECURE] = 0,
		[TLS_CERT_PROFILE_PREFERRED] = 2, [TLS_CERT_PROFILE_SUITEB] = 3,
	};

	if ((unsigned)p >= sizeof(level) / sizeof(level[0])) {
		errbuf_set(err, errlen, "ERROR: Invalid cert profile");
		return -EINVAL;
	}
	SSL_CTX_set_security_level(sctx, level[p]);
	if (p == TLS_CERT_PROFILE_SUITEB &&
	    !SSL_CTX_set_cipher_list(sctx, "SUITEB128")) {
		errbuf_set(err, errlen, "tls-cert-profile suiteb: OpenSSL has "
			   "no Suite B ciphers");
		return -EINVAL;
	}
	return 0;
}

int tls_apply_ciphers(struct ssl_ctx_st *sctx, const struct tls_config *cfg,
		      char *err, size_t errlen)
{
	int ret = set_cert_profile(sctx, cfg->cert_profile, err, errlen);

	return ret ? ret : set_ciphers(sctx, cfg, err, errlen);
}
