/*
 * AES-CBC and HMAC for the legacy data channel (cbc.h), on OpenSSL EVP.
 *
 * Both contexts are keyed once: a packet loads its IV into the cipher
 * context and restarts the HMAC with EVP_MAC_init(ctx, NULL, ...), which
 * keeps the key already set (as OpenVPN's hmac_ctx_reset does).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "base/mem.h"
#include "dco/cbc.h"

static const EVP_CIPHER *cbc_evp(enum dco_cipher cipher)
{
	switch (cipher) {
	case DCO_CIPHER_AES_128_CBC:
		return EVP_aes_128_cbc();
	case DCO_CIPHER_AES_192_CBC:
		return EVP_aes_192_cbc();
	case DCO_CIPHER_AES_256_CBC:
		return EVP_aes_256_cbc();
	default:
		return NULL;
	}
}

static int mac_init(struct cbc *c, enum dco_auth auth, const uint8_t *key)
{
	OSSL_PARAM params[2];
	EVP_MAC *mac;

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		return -EIO;
	c->mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac); /* the context holds its own reference */
	if (!c->mac)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)dco_auth_name(auth), 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(c->mac, key, c->mac_len, params) != 1)
		return -EIO;
	return 0;
}

int cbc_init(struct cbc *c, enum dco_cipher cipher, enum dco_auth auth,
	     const uint8_t *key, const uint8_t *hmac_key, bool encrypt)
{
	const EVP_CIPHER *evp = cbc_evp(cipher);
	int err = -EINVAL;

	*c = (struct cbc){ 0 };
	c->mac_len = dco_auth_len(auth);
	if (!evp || !c->mac_len)
		return -EINVAL;
	c->cipher = EVP_CIPHER_CTX_new();
	if (!c->cipher) {
		err = -ENOMEM;
		goto err_free;
	}
	if (EVP_CipherInit_ex(c->cipher, evp, NULL, key, NULL, encrypt) != 1) {
		err = -EIO;
		goto err_free;
	}
	err = mac_init(c, auth, hmac_key);
	if (err)
		goto err_free;
	if (encrypt) {
		c->ivs = malloc(CBC_IV_BATCH * CBC_IV_LEN);
		if (!c->ivs) {
			err = -ENOMEM;
			goto err_free;
		}
		c->ivs_used = CBC_IV_BATCH;	/* drawn at the first packet */
	}
	return 0;

err_free:
	cbc_free(c);
	return err;
}

void cbc_free(struct cbc *c)
{
	EVP_CIPHER_CTX_free(c->cipher);
	EVP_MAC_CTX_free(c->mac);
	/* IVs not used yet must stay unknown */
	if (c->ivs)
		mem_wipe(c->ivs, CBC_IV_BATCH * CBC_IV_LEN);
	free(c->ivs);
	mem_wipe(c, sizeof(*c));
}

int cbc_next_iv(struct cbc *c, uint8_t iv[CBC_IV_LEN])
{
	if (!c->ivs)
		return -EINVAL;
	if (c->ivs_used == CBC_IV_BATCH) {
		if (RAND_bytes(c->ivs, CBC_IV_BATCH * CBC_IV_LEN) != 1)
			return -EIO;
		c->ivs_used = 0;
	}
	memcpy(iv, c->ivs + c->ivs_used * CBC_IV_LEN, CBC_IV_LEN);
	/* each IV once: gone from the batch as it is taken */
	mem_wipe(c->ivs + c->ivs_used * CBC_IV_LEN, CBC_IV_LEN);
	c->ivs_used++;
	return 0;
}

int cbc_encrypt(struct cbc *c, const uint8_t iv[CBC_IV_LEN], uint8_t *buf,
		size_t len, size_t *out_len)
{
	int n = 0, fin = 0;

	if (len > INT_MAX - CBC_BLOCK ||
	    EVP_CipherInit_ex(c->cipher, NULL, NULL, NULL, iv, 1) != 1 ||
	    EVP_EncryptUpdate(c->cipher, buf, &n, buf, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(c->cipher, buf + n, &fin) != 1)
		return -EIO;
	*out_len = (size_t)n + (size_t)fin;
	return 0;
}

int cbc_decrypt(struct cbc *c, const uint8_t iv[CBC_IV_LEN], const uint8_t *in,
		uint8_t *out, size_t len, size_t *out_len)
{
	int n = 0, fin = 0;

	if (len == 0 || len % CBC_BLOCK || len > INT_MAX)
		return -EBADMSG;
	if (EVP_CipherInit_ex(c->cipher, NULL, NULL, NULL, iv, 0) != 1)
		return -EIO;
	/* A failed padding check is an OpenSSL error like any other: the
	 * packet authenticated, so only a peer's bug gets here. */
	if (EVP_DecryptUpdate(c->cipher, out, &n, in, (int)len) != 1 ||
	    EVP_DecryptFinal_ex(c->cipher, out + n, &fin) != 1) {
		ERR_clear_error(); /* the thread's queue, not to pile up */
		return -EBADMSG;
	}
	*out_len = (size_t)n + (size_t)fin;
	return 0;
}

int cbc_mac(struct cbc *c, const uint8_t *data, size_t len, uint8_t *out)
{
	size_t outl = 0;

	if (EVP_MAC_init(c->mac, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(c->mac, data, len) != 1 ||
	    EVP_MAC_final(c->mac, out, &outl, c->mac_len) != 1 ||
	    outl != c->mac_len)
		return -EIO;
	return 0;
}

int cbc_mac_verify(struct cbc *c, const uint8_t *data, size_t len,
		   const uint8_t *mac)
{
	uint8_t want[EVP_MAX_MD_SIZE];
	int err = cbc_mac(c, data, len, want);

	if (!err && CRYPTO_memcmp(want, mac, c->mac_len) != 0)
		err = -EBADMSG;
	mem_wipe(want, sizeof(want));
	return err ? -EBADMSG : 0;
}
