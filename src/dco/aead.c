/*
 * AEAD for the data channel with OpenSSL EVP (aead.h). The cipher and key are
 * set once per context; each packet only re-initialises the IV, which is the
 * cheap path in OpenSSL (no key schedule per packet).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/mem.h"
#include "dco/aead.h"

static const EVP_CIPHER *evp_cipher(enum dco_cipher cipher)
{
	switch (cipher) {
	case DCO_CIPHER_AES_128_GCM:
		return EVP_aes_128_gcm();
	case DCO_CIPHER_AES_192_GCM:
		return EVP_aes_192_gcm();
	case DCO_CIPHER_AES_256_GCM:
		return EVP_aes_256_gcm();
	case DCO_CIPHER_CHACHA20_POLY1305:
		return EVP_chacha20_poly1305();
	case DCO_CIPHER_NONE:
		break;
	}
	return NULL;
}

int aead_init(struct aead *a, enum dco_cipher cipher, const uint8_t *key,
	      size_t key_len, const uint8_t nonce_tail[DCO_NONCE_TAIL_LEN],
	      bool encrypt)
{
	const EVP_CIPHER *evp = evp_cipher(cipher);
	EVP_CIPHER_CTX *ctx;
	int err = -EIO;

	*a = (struct aead){ 0 };
	if (!evp || key_len != dco_cipher_key_len(cipher))
		return -EINVAL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (EVP_CipherInit_ex(ctx, evp, NULL, NULL, NULL, encrypt) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, AEAD_IV_LEN, NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, NULL, encrypt) != 1)
		goto err_free_ctx;
	a->ctx = ctx;
	a->cipher = cipher;
	a->encrypt = encrypt;
	memcpy(a->nonce_tail, nonce_tail, DCO_NONCE_TAIL_LEN);
	return 0;

err_free_ctx:
	/* EVP_CIPHER_CTX_free cleanses the key schedule it held. */
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

void aead_free(struct aead *a)
{
	EVP_CIPHER_CTX_free(a->ctx);
	mem_wipe(a, sizeof(*a));
}

static void make_iv(const struct aead *a, uint32_t pktid, uint8_t iv[AEAD_IV_LEN])
{
	iv[0] = (uint8_t)(pktid >> 24);
	iv[1] = (uint8_t)(pktid >> 16);
	iv[2] = (uint8_t)(pktid >> 8);
	iv[3] = (uint8_t)pktid;
	memcpy(iv + 4, a->nonce_tail, DCO_NONCE_TAIL_LEN);
}

/* Load the packet's IV and feed the AAD: the part seal and open share. */
static int start(struct aead *a, uint32_t pktid, const uint8_t *aad,
		 size_t aad_len, size_t len)
{
	uint8_t iv[AEAD_IV_LEN];
	int outl;

	if (!a->ctx || len > INT_MAX || aad_len > INT_MAX)
		return -EINVAL;
	make_iv(a, pktid, iv);
	if (EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, iv, a->encrypt) != 1)
		return -EIO;
	if (aad_len && EVP_CipherUpdate(a->ctx, NULL, &outl, aad, (int)aad_len) != 1)
		return -EIO;
	return 0;
}

int aead_seal(struct aead *a, uint32_t pktid, const uint8_t *aad, size_t aad_len,
	      uint8_t *buf, size_t len, uint8_t tag[AEAD_TAG_LEN])
{
	uint8_t none[AEAD_TAG_LEN];
	int outl, err;

	if (!a->encrypt)
		return -EINVAL;
	err = start(a, pktid, aad, aad_len, len);
	if (err)
		return err;
	if (len && EVP_EncryptUpdate(a->ctx, buf, &outl, buf, (int)len) != 1)
		return -EIO;
	/* Stream modes: Final writes nothing, but it gets a place to do so. */
	if (EVP_EncryptFinal_ex(a->ctx, none, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, AEAD_TAG_LEN, tag) != 1)
		return -EIO;
	return 0;
}

int aead_open(struct aead *a, uint32_t pktid, const uint8_t *aad, size_t aad_len,
	      const uint8_t *in, uint8_t *out, size_t len,
	      const uint8_t tag[AEAD_TAG_LEN])
{
	uint8_t none[AEAD_TAG_LEN];
	int outl, err;

	if (a->encrypt)
		return -EINVAL;
	err = start(a, pktid, aad, aad_len, len);
	if (err)
		return err;
	if (len && EVP_DecryptUpdate(a->ctx, out, &outl, in, (int)len) != 1)
		return -EIO;
	/* OpenSSL takes the expected tag as non-const but only copies it. */
	if (EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG, AEAD_TAG_LEN,
				(void *)tag) != 1)
		return -EIO;
	if (EVP_DecryptFinal_ex(a->ctx, none, &outl) != 1)
		return -EBADMSG;
	return 0;
}
