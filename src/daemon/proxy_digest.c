/*
 * HTTP Digest authentication (RFC 2617) for --http-proxy, as OpenVPN 2.6
 * answers a 407 "Proxy-Authenticate: Digest ..." in auto mode (its
 * proxy.c and httpdigest.c): qop "auth", nc 00000001, a cnonce of 8
 * random bytes in base64, MD5 or MD5-sess, the opaque value echoed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "base/log.h"
#include "base/mem.h"
#include "daemon/proxy.h"

#define MD5_HEX (2 * 16 + 1)

/* The value of @key in the challenge's key=value or key="value" list;
 * false if it is not there. */
static bool pa_var(const char *pa, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);

	while (*pa) {
		const char *eq = strchr(pa, '=');
		bool match;
		size_t n = 0;

		if (!eq)
			return false;
		match = (size_t)(eq - pa) == klen && !strncasecmp(pa, key, klen);
		pa = eq + 1;
		if (*pa == '"') {
			const char *end = strchr(++pa, '"');

			n = end ? (size_t)(end - pa) : strlen(pa);
		} else {
			n = strcspn(pa, ",");
		}
		if (match && n < len) {
			memcpy(out, pa, n);
			out[n] = '\0';
			return true;
		}
		pa += n;
		pa += strspn(pa, "\",");
		while (isspace((unsigned char)*pa))
			pa++;
	}
	return false;
}

/* MD5 of the ':'-joined @parts, in lower-case hex. */
static int md5_hex(const char *const *parts, char hex[MD5_HEX])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char d[16];
	unsigned int dl = 0;
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL);

	for (size_t i = 0; ok && parts[i]; i++)
		ok = (!i || EVP_DigestUpdate(ctx, ":", 1)) &&
		     EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
	ok = ok && EVP_DigestFinal_ex(ctx, d, &dl) && dl == sizeof(d);
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; ok && i < dl; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	mem_wipe(d, sizeof(d));
	return ok ? 0 : -EIO;
}

struct digest_in {
	char realm[256], nonce[256], algo[64], opaque[256];
	char cnonce[16];
	bool has_opaque;
};

/* RFC 2617 3.2.2: HA1 (md5-sess: again with the nonces), then the
 * response for CONNECT @uri. */
static int digest_response(const struct digest_in *in, const char *user,
			   const char *pass, const char *uri, char rsp[MD5_HEX])
{
	char ha1[MD5_HEX], ha2[MD5_HEX];
	int ret = md5_hex((const char *[]){ user, in->realm, pass, NULL }, ha1);

	if (!ret && !strcasecmp(in->algo, "md5-sess"))
		ret = md5_hex((const char *[]){ ha1, in->nonce, in->cnonce, NULL },
			      ha1);
	if (!ret)
		ret = md5_hex((const char *[]){ "CONNECT", uri, NULL }, ha2);
	if (!ret)
		ret = md5_hex((const char *[]){ ha1, in->nonce, "00000001",
				in->cnonce, "auth", ha2, NULL }, rsp);
	mem_wipe(ha1, sizeof(ha1));
	return ret;
}

int proxy_digest_header(const char *challenge, const char *user,
			const char *pass, const char *uri, char *out, size_t len)
{
	struct digest_in in = { .algo = "" };
	unsigned char raw[8];
	char rsp[MD5_HEX];
	int n;

	if (!pa_var(challenge, "realm", in.realm, sizeof(in.realm)) ||
	    !pa_var(challenge, "nonce", in.nonce, sizeof(in.nonce))) {
		log_err("HTTP proxy: digest auth failed, malformed response from "
			"server: realm= or nonce= missing");
		return -EPROTO;
	}
	pa_var(challenge, "algorithm", in.algo, sizeof(in.algo));
	in.has_opaque = pa_var(challenge, "opaque", in.opaque, sizeof(in.opaque));
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -EIO;
	EVP_EncodeBlock((unsigned char *)in.cnonce, raw, sizeof(raw));
	if (digest_response(&in, user, pass, uri, rsp))
		return -EIO;
	n = snprintf(out, len, "Proxy-Authorization: Digest username=\"%s\", "
		     "realm=\"%s\", nonce=\"%s\", uri=\"%s\", qop=auth, "
		     "nc=00000001, cnonce=\"%s\", response=\"%s\"%s%s%s", user,
		     in.realm, in.nonce, uri, in.cnonce, rsp,
		     in.has_opaque ? ", opaque=\"" : "",
		     in.has_opaque ? in.opaque : "", in.has_opaque ? "\"" : "");
	return n < 0 || (size_t)n >= len ? -E2BIG : 0;
}
