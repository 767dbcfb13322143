/*
 * --http-proxy ... ntlm2: NTLMv2 proxy authentication, the messages
 * OpenVPN 2.6's ntlm.c sends. Type 1 is a constant (NTLM and OEM
 * negotiated); type 3 carries the NTLMv2 response
 *
 *   HMAC-MD5(key2, challenge || blob) || blob, key2 = HMAC-MD5(NT hash,
 *   UTF-16LE(uppercase(user) || domain)), NT hash = MD4(UTF-16LE(pass))
 *   blob: 01 01 00 00 | 0 x4 | time (100 ns since 1601, LE) | 8 random
 *         bytes | 0 x4 | the type 2 target information | 0 x4
 *
 * with the user and domain ("DOMAIN\user" in the auth file) in ASCII and
 * no LM response, workstation or session key. MD4 is only in OpenSSL 3's
 * legacy provider: it is loaded into a private library context for the
 * one hash, so the process's default context is left as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "base/log.h"
#include "base/mem.h"
#include "daemon/proxy.h"

#define NTLM_MSG_MAX 512        /* a decoded type 2, a type 3 */
#define NTLM_T3_HDR 0x40        /* type 3's fixed part */
#define NTLM_NEGOTIATE_TARGET_INFO 0x00800000u

const char *proxy_ntlm_type1(void)
{
	return "TlRMTVNTUAABAAAAAgIAAA==";
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static size_t utf16le(uint8_t *dst, size_t max, const char *src, bool upper)
{
	size_t n = 0;

	for (; *src && n + 2 <= max; src++) {
		char ch = *src;

		if (upper && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		dst[n++] = (uint8_t)ch;
		dst[n++] = 0;
	}
	return n;
}

/* MD4 of UTF-16LE(@pass), from the legacy provider. */
static int nt_hash(const char *pass, uint8_t out[16])
{
	OSSL_LIB_CTX *lc = OSSL_LIB_CTX_new();
	OSSL_PROVIDER *legacy = lc ? OSSL_PROVIDER_load(lc, "legacy") : NULL;
	EVP_MD *md4 = legacy ? EVP_MD_fetch(lc, "MD4", NULL) : NULL;
	uint8_t u[512];
	size_t n = utf16le(u, sizeof(u), pass, false);
	int ok = md4 && EVP_Digest(u, n, out, NULL, md4, NULL);

	mem_wipe(u, sizeof(u));
	EVP_MD_free(md4);
	OSSL_PROVIDER_unload(legacy);
	OSSL_LIB_CTX_free(lc);
	if (!ok)
		log_err("NTLM: no MD4 (OpenSSL's legacy provider is needed)");
	return ok ? 0 : -ENOTSUP;
}

/* The challenge and target information of a type 2 message. */
struct ntlm_t2 {
	uint8_t challenge[8];
	const uint8_t *tinfo;
	size_t tinfo_len;
};

static int parse_type2(const uint8_t *m, size_t len, struct ntlm_t2 *t)
{
	size_t off;

	if (len < 32 || memcmp(m, "NTLMSSP\0", 8) || le32(m + 8) != 2)
		return -EPROTO;
	memcpy(t->challenge, m + 24, 8);
	t->tinfo = NULL;
	t->tinfo_len = 0;
	if (!(le32(m + 20) & NTLM_NEGOTIATE_TARGET_INFO))
		return 0;
	if (len < 48)
		return -EPROTO;
	t->tinfo_len = m[40] | (size_t)m[41] << 8;
	off = le32(m + 44);
	if (off > len || t->tinfo_len > len - off || t->tinfo_len > 256)
		return -EPROTO;
	t->tinfo = m + off;
	return 0;
}

/* The NTLMv2 response (proof || blob) into @resp; its length. */
static size_t ntlmv2_response(const uint8_t key2[16], const struct ntlm_t2 *t,
			      uint8_t *resp)
{
	uint8_t *blob = resp + 16;
	uint64_t ts = ((uint64_t)time(NULL) + 11644473600ull) * 10000000ull;
	size_t blen = 0x20 + t->tinfo_len;
	unsigned mdlen = 0;

	memset(blob, 0, blen);
	blob[0] = blob[1] = 1;
	for (int i = 0; i < 8; i++)
		blob[8 + i] = (uint8_t)(ts >> (8 * i));
	if (RAND_bytes(blob + 16, 8) != 1)
		return 0;
	if (t->tinfo_len)
		memcpy(blob + 0x1c, t->tinfo, t->tinfo_len);
	memcpy(resp + 8, t->challenge, 8);      /* challenge || blob */
	if (!HMAC(EVP_md5(), key2, 16, resp + 8, 8 + blen, resp, &mdlen))
		return 0;
	return 16 + blen;
}

/* A security buffer (length, room, offset) at @at, its data at *@pos. */
static void sec_buf(uint8_t *m, size_t at, size_t *pos, const void *d,
		    size_t len)
{
	m[at] = m[at + 2] = (uint8_t)len;
	m[at + 1] = m[at + 3] = (uint8_t)(len >> 8);
	m[at + 4] = (uint8_t)*pos;
	m[at + 5] = (uint8_t)(*pos >> 8);
	if (len)
		memcpy(m + *pos, d, len);
	*pos += len;
}

static int build_type3(uint8_t *m, size_t *mlen, const char *user,
		       const char *domain, const uint8_t *resp, size_t rlen)
{
	size_t pos = NTLM_T3_HDR, ul = strlen(user), dl = strlen(domain);

	if (NTLM_T3_HDR + rlen + ul + dl > NTLM_MSG_MAX)
		return -E2BIG;
	memset(m, 0, NTLM_T3_HDR);
	memcpy(m, "NTLMSSP\0", 8);
	m[8] = 3;
	sec_buf(m, 0x14, &pos, resp, rlen);     /* NTLMv2 response */
	sec_buf(m, 0x24, &pos, user, ul);
	sec_buf(m, 0x1c, &pos, domain, dl);
	m[0x10] = m[0x30] = m[0x38] = (uint8_t)pos;   /* LM, host, session: */
	m[0x11] = m[0x31] = m[0x39] = (uint8_t)(pos >> 8); /* empty, at end */
	m[0x3c] = 0x02;         /* negotiate OEM */
	m[0x3d] = 0x02;         /* negotiate NTLM */
	*mlen = pos;
	return 0;
}

static int type3_make(const struct ntlm_t2 *t, const char *userdom,
		      const char *pass, uint8_t *m, size_t *mlen)
{
	const char *sep = strchr(userdom, '\\');
	char user[128], domain[128];
	uint8_t nt[16], key2[16], ud[512], resp[16 + 0x20 + 256];
	size_t udlen, rlen = 0;
	unsigned kl = 0;
	int ret;

	snprintf(user, sizeof(user), "%s", sep ? sep + 1 : userdom);
	snprintf(domain, sizeof(domain), "%.*s", sep ? (int)(sep - userdom) : 0,
		 userdom);
	ret = nt_hash(pass, nt);
	udlen = utf16le(ud, sizeof(ud), user, true);
	udlen += utf16le(ud + udlen, sizeof(ud) - udlen, domain, false);
	if (!ret && !HMAC(EVP_md5(), nt, 16, ud, udlen, key2, &kl))
		ret = -EINVAL;
	if (!ret && !(rlen = ntlmv2_response(key2, t, resp)))
		ret = -EINVAL;
	if (!ret)
		ret = build_type3(m, mlen, user, domain, resp, rlen);
	mem_wipe(nt, sizeof(nt));
	mem_wipe(key2, sizeof(key2));
	return ret;
}

int proxy_ntlm_type3(const char *type2_b64, const char *user,
		     const char *pass, char *out, size_t outlen)
{
	uint8_t t2[NTLM_MSG_MAX + 4], t3[NTLM_MSG_MAX];
	size_t b64len = strlen(type2_b64), t3len = 0;
	struct ntlm_t2 t;
	int n, ret = -EPROTO;

	n = b64len <= 4 * (NTLM_MSG_MAX / 3) ?
	    EVP_DecodeBlock(t2, (const uint8_t *)type2_b64, (int)b64len) : -1;
	if (n > 0) {    /* DecodeBlock counts '=' padding as zero bytes */
		n -= b64len >= 1 && type2_b64[b64len - 1] == '=';
		n -= b64len >= 2 && type2_b64[b64len - 2] == '=';
		ret = parse_type2(t2, (size_t)n, &t);
	}
	if (ret) {
		log_err("NTLM: the proxy's challenge (type 2 message) is "
			"malformed");
		return ret;
	}
	ret = type3_make(&t, user, pass, t3, &t3len);
	if (!ret && 4 * ((t3len + 2) / 3) + 1 > outlen)
		ret = -E2BIG;
	if (!ret)
		EVP_EncodeBlock((uint8_t *)out, t3, (int)t3len);
	mem_wipe(t3, sizeof(t3));
	return ret;
}
