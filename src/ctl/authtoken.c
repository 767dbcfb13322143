#include "ctl/authtoken.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "base/bytes.h"
#include "base/mem.h"

#define PEM_BEGIN "-----BEGIN OpenVPN auth-token server key-----"
#define PEM_END "-----END OpenVPN auth-token server key-----"

int authtoken_key_random(struct authtoken_key *k)
{
	return RAND_bytes(k->key, sizeof(k->key)) == 1 ? 0 : -EIO;
}

void authtoken_key_wipe(struct authtoken_key *k)
{
	OPENSSL_cleanse(k->key, sizeof(k->key));
}

int authtoken_key_parse(struct authtoken_key *k, const char *text, size_t len,
			char *err, size_t errlen)
{
	char b64[512];
	uint8_t raw[384];
	const char *b = memmem(text, len, PEM_BEGIN, strlen(PEM_BEGIN));
	const char *e = b ? memmem(b, len - (size_t)(b - text), PEM_END,
				   strlen(PEM_END)) : NULL;
	size_t n = 0;
	int dec;

	if (!b || !e) {
		snprintf(err, errlen, "auth-gen-token-secret: no '%s' block",
			 PEM_BEGIN);
		return -EINVAL;
	}
	for (const char *p = b + strlen(PEM_BEGIN); p < e; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t') {
			if (n + 1 >= sizeof(b64))
				break;
			b64[n++] = *p;
		}
	b64[n] = '\0';
	dec = n && n % 4 == 0 && n / 4 * 3 <= sizeof(raw) ?
		      EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n) : -1;
	OPENSSL_cleanse(b64, sizeof(b64));
	/* OpenVPN's key is a struct key: cipher part (64) | HMAC part (64);
	 * the HMAC-SHA256 key is the first 32 bytes of the HMAC part, so a
	 * secret shared with an OpenVPN server checks its tokens too. */
	if (dec < (int)AUTHTOKEN_SECRET_BYTES) {
		OPENSSL_cleanse(raw, sizeof(raw));
		snprintf(err, errlen, "auth-gen-token-secret: the key is too "
			 "short or not base64");
		return -EINVAL;
	}
	memcpy(k->key, raw + AUTHTOKEN_SECRET_HMAC_OFF, AUTHTOKEN_KEY_LEN);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

static int token_hmac(const struct authtoken_key *k, const char *user,
		      const uint8_t *data, uint8_t mac[32])
{
	uint8_t buf[512 + AUTHTOKEN_DATA_LEN];
	size_t ul = strlen(user);
	unsigned len = 0;
	int ok;

	/* one-shot HMAC over user || session id || both times */
	if (ul > 512)
		return -EINVAL;
	memcpy(buf, user, ul);
	memcpy(buf + ul, data, AUTHTOKEN_SESSID_LEN + 16);
	ok = HMAC(EVP_sha256(), k->key, sizeof(k->key), buf,
		  ul + AUTHTOKEN_SESSID_LEN + 16, mac, &len) != NULL && len == 32;
	OPENSSL_cleanse(buf, sizeof(buf));
	return ok ? 0 : -EIO;
}

/* Decode a token's data; false if it is not one of ours in shape. */
static bool token_decode(const char *token, uint8_t data[AUTHTOKEN_DATA_LEN])
{
	const char *b = token + strlen(AUTHTOKEN_PREFIX);
	size_t n = strlen(b);
	uint8_t raw[4 * AUTHTOKEN_DATA_LEN];
	int dec;

	if (n != 4 * ((AUTHTOKEN_DATA_LEN + 2) / 3))
		return false;
	dec = EVP_DecodeBlock(raw, (const unsigned char *)b, (int)n);
	/* EVP_DecodeBlock counts '=' padding as zero bytes */
	if (dec < (int)AUTHTOKEN_DATA_LEN)
		return false;
	memcpy(data, raw, AUTHTOKEN_DATA_LEN);
	return true;
}

int authtoken_make(const struct authtoken_key *k, const char *user,
		   const char *prev, time_t now, char out[AUTHTOKEN_MAX])
{
	uint8_t data[AUTHTOKEN_DATA_LEN];
	int ret;

	if (prev && strncmp(prev, AUTHTOKEN_PREFIX, strlen(AUTHTOKEN_PREFIX)) == 0 &&
	    token_decode(prev, data)) {
		/* same session: keep its id and first issue time */
	} else if (RAND_bytes(data, AUTHTOKEN_SESSID_LEN) == 1) {
		store_be64(data + AUTHTOKEN_SESSID_LEN, (uint64_t)now);
	} else {
		return -EIO;
	}
	store_be64(data + AUTHTOKEN_SESSID_LEN + 8, (uint64_t)now);
	ret = token_hmac(k, user, data, data + AUTHTOKEN_SESSID_LEN + 16);
	if (ret)
		return ret;
	memcpy(out, AUTHTOKEN_PREFIX, strlen(AUTHTOKEN_PREFIX));
	EVP_EncodeBlock((unsigned char *)out + strlen(AUTHTOKEN_PREFIX), data,
			sizeof(data));
	OPENSSL_cleanse(data, sizeof(data));
	return 0;
}

enum authtoken_verdict authtoken_check(const struct authtoken_key *k,
				       const char *user, const char *token,
				       time_t now, unsigned lifetime_s)
{
	uint8_t data[AUTHTOKEN_DATA_LEN], mac[32];
	uint64_t first;
	bool ok;

	if (!token || strncmp(token, AUTHTOKEN_PREFIX, strlen(AUTHTOKEN_PREFIX)))
		return AUTHTOKEN_NOT_A_TOKEN;
	if (!user || !token_decode(token, data) || token_hmac(k, user, data, mac))
		return AUTHTOKEN_INVALID;
	ok = CRYPTO_memcmp(mac, data + AUTHTOKEN_SESSID_LEN + 16, 32) == 0;
	first = load_be64(data + AUTHTOKEN_SESSID_LEN);
	OPENSSL_cleanse(mac, sizeof(mac));
	if (!ok)
		return AUTHTOKEN_INVALID;
	if (lifetime_s && (uint64_t)now > first + lifetime_s)
		return AUTHTOKEN_EXPIRED;
	return AUTHTOKEN_OK;
}
