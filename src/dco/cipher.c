/* Cipher and HMAC names and sizes as OpenVPN spells them (include/dcovpn/dco.h). */
#include <errno.h>
#include <strings.h>

#include "base/mem.h"
#include "dcovpn/dco.h"

static const struct {
	enum dco_cipher cipher;
	const char *name;
	size_t key_len;
} ciphers[] = {
	{ DCO_CIPHER_NONE, "none", 0 },
	{ DCO_CIPHER_AES_128_GCM, "AES-128-GCM", 16 },
	{ DCO_CIPHER_AES_192_GCM, "AES-192-GCM", 24 },
	{ DCO_CIPHER_AES_256_GCM, "AES-256-GCM", 32 },
	{ DCO_CIPHER_CHACHA20_POLY1305, "CHACHA20-POLY1305", 32 },
	{ DCO_CIPHER_AES_128_CBC, "AES-128-CBC", 16 },
	{ DCO_CIPHER_AES_192_CBC, "AES-192-CBC", 24 },
	{ DCO_CIPHER_AES_256_CBC, "AES-256-CBC", 32 },
};

#define N_CIPHERS (sizeof(ciphers) / sizeof(ciphers[0]))

int dco_cipher_from_name(const char *name, enum dco_cipher *out)
{
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < N_CIPHERS; i++) {
		if (strcasecmp(name, ciphers[i].name) == 0) {
			*out = ciphers[i].cipher;
			return 0;
		}
	}
	return -EINVAL;
}

const char *dco_cipher_name(enum dco_cipher cipher)
{
	size_t i;

	for (i = 0; i < N_CIPHERS; i++) {
		if (ciphers[i].cipher == cipher)
			return ciphers[i].name;
	}
	return "unknown";
}

size_t dco_cipher_key_len(enum dco_cipher cipher)
{
	size_t i;

	for (i = 0; i < N_CIPHERS; i++) {
		if (ciphers[i].cipher == cipher)
			return ciphers[i].key_len;
	}
	return 0;
}

bool dco_cipher_is_cbc(enum dco_cipher cipher)
{
	return cipher == DCO_CIPHER_AES_128_CBC ||
	       cipher == DCO_CIPHER_AES_192_CBC ||
	       cipher == DCO_CIPHER_AES_256_CBC;
}

static const struct {
	enum dco_auth auth;
	const char *name;
	size_t len;
} auths[] = {
	{ DCO_AUTH_SHA1, "SHA1", 20 },
	{ DCO_AUTH_SHA224, "SHA224", 28 },
	{ DCO_AUTH_SHA256, "SHA256", 32 },
	{ DCO_AUTH_SHA384, "SHA384", 48 },
	{ DCO_AUTH_SHA512, "SHA512", 64 },
};

#define N_AUTHS (sizeof(auths) / sizeof(auths[0]))

int dco_auth_from_name(const char *name, enum dco_auth *out)
{
	for (size_t i = 0; name && i < N_AUTHS; i++) {
		if (strcasecmp(name, auths[i].name) == 0) {
			*out = auths[i].auth;
			return 0;
		}
	}
	return -EINVAL;
}

const char *dco_auth_name(enum dco_auth auth)
{
	for (size_t i = 0; i < N_AUTHS; i++)
		if (auths[i].auth == auth)
			return auths[i].name;
	return "unknown";
}

size_t dco_auth_len(enum dco_auth auth)
{
	for (size_t i = 0; i < N_AUTHS; i++)
		if (auths[i].auth == auth)
			return auths[i].len;
	return 0;
}

void dco_key_config_wipe(struct dco_key_config *key)
{
	mem_wipe(key, sizeof(*key));
}
