/*
 * AEAD for the data channel (aead.h): the backend choice, and the OpenSSL
 * EVP backend (the ipsec-mb one is aead_imb.c). The cipher and key are
 * set once per context; each packet only loads a new IV (no key schedule per
 * packet).
 *
 * Why GCM loads its IV through a parameter: OpenSSL 3.0 answers
 * EVP_CipherInit_ex(ctx, NULL, NULL, NULL, iv, enc) by asking the provider
 * for the IV length through its parameter lookups (string compares) every
 * time, and EVP_CIPHER_CTX_ctrl translates each call into parameters the
 * same way; on a 1400-byte packet that was about 12% of the seal's time. The
 * GCM "fixed IV" parameter given the length -1 loads the whole IV as it
 * is (the special case EVP_CTRL_GCM_SET_IV_FIXED has had since 1.0.1), and
 * on decryption the expected tag rides in the same call. ChaCha20-Poly1305
 * has no such case and keeps the init call.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "base/mem.h"
#include "dco/aead.h"
#include "dco/aead_imb.h"

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
	default: /* none, or not an AEAD (cbc.c) */
		break;
	}
	return NULL;
}

static int ossl_init(struct aead *a, const EVP_CIPHER *evp, const uint8_t *key)
{
	bool encrypt = a->encrypt;
	EVP_CIPHER_CTX *ctx;
	int err = -EIO;

	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (EVP_CipherInit_ex(ctx, evp, NULL, NULL, NULL, encrypt) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, AEAD_IV_LEN, NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, NULL, encrypt) != 1)
		goto err_free_ctx;
	a->ctx = ctx;
	return 0;

err_free_ctx:
	/* EVP_CIPHER_CTX_free cleanses the key schedule it held. */
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

int aead_init(struct aead *a, enum dco_aead_backend backend,
	      enum dco_cipher cipher, const uint8_t *key,
	      size_t key_len, const uint8_t nonce_tail[DCO_NONCE_TAIL_LEN],
	      bool encrypt)
{
	const EVP_CIPHER *evp = evp_cipher(cipher);
	int err;

	*a = (struct aead){ 0 };
	if (!evp || key_len != dco_cipher_key_len(cipher))
		return -EINVAL;
	err = dco_aead_backend_resolve(backend, &backend);
	if (err)
		return err;
	a->cipher = cipher;
	a->encrypt = encrypt;
	a->backend = backend;
	err = backend == DCO_AEAD_IPSEC_MB ? aead_imb_init(a, key) :
					     ossl_init(a, evp, key);
	if (err) {
		aead_free(a);
		return err;
	}
	memcpy(a->nonce_tail, nonce_tail, DCO_NONCE_TAIL_LEN);
	return 0;
}

void aead_free(struct aead *a)
{
	EVP_CIPHER_CTX_free(a->ctx);
	aead_imb_free(a);
	mem_wipe(a, sizeof(*a));
}

void aead_make_iv(const struct aead *a, uint32_t pktid, uint8_t iv[AEAD_IV_LEN])
{
	iv[0] = (uint8_t)(pktid >> 24);
	iv[1] = (uint8_t)(pktid >> 16);
	iv[2] = (uint8_t)(pktid >> 8);
	iv[3] = (uint8_t)pktid;
	memcpy(iv + 4, a->nonce_tail, DCO_NONCE_TAIL_LEN);
}

/* The GCM ciphers load IV and tag as parameters (see the top). */
static bool is_gcm(const struct aead *a)
{
	return a->cipher != DCO_CIPHER_CHACHA20_POLY1305;
}

/* Load the IV, and for a GCM open the expected tag, in one provider call. */
static int load_iv(struct aead *a, const uint8_t iv[AEAD_IV_LEN],
		   const uint8_t *tag)
{
	OSSL_PARAM params[3];
	unsigned n = 0;

	if (!is_gcm(a))
		return EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, iv,
					 a->encrypt) == 1 ? 0 : -EIO;
	params[n++] = OSSL_PARAM_construct_octet_string(
		OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED, (void *)iv, (size_t)-1);
	if (tag)
		params[n++] = OSSL_PARAM_construct_octet_string(
			OSSL_CIPHER_PARAM_AEAD_TAG, (void *)tag, AEAD_TAG_LEN);
	params[n] = OSSL_PARAM_construct_end();
	return EVP_CIPHER_CTX_set_params(a->ctx, params) == 1 ? 0 : -EIO;
}

/* Load the packet's IV (and a GCM open's tag) and feed the AAD: the part
 * seal and open share. */
static int start(struct aead *a, const uint8_t iv[AEAD_IV_LEN],
		 const uint8_t *aad, size_t aad_len, size_t len,
		 const uint8_t *tag)
{
	int outl;

	if (!a->ctx || len > INT_MAX || aad_len > INT_MAX)
		return -EINVAL;
	if (load_iv(a, iv, tag))
		return -EIO;
	if (aad_len && EVP_CipherUpdate(a->ctx, NULL, &outl, aad, (int)aad_len) != 1)
		return -EIO;
	return 0;
}

/* The tag of the packet just sealed, asked for directly (no ctrl call). */
static int read_tag(struct aead *a, uint8_t tag[AEAD_TAG_LEN])
{
	OSSL_PARAM params[2] = {
		OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag,
						  AEAD_TAG_LEN),
		OSSL_PARAM_construct_end(),
	};

	return EVP_CIPHER_CTX_get_params(a->ctx, params) == 1 ? 0 : -EIO;
}

int aead_seal(struct aead *a, uint32_t pktid, const uint8_t *aad, size_t aad_len,
	      uint8_t *buf, size_t len, uint8_t tag[AEAD_TAG_LEN])
{
	uint8_t iv[AEAD_IV_LEN];

	aead_make_iv(a, pktid, iv);
	return aead_seal_iv(a, iv, aad, aad_len, buf, len, tag);
}

int aead_seal_iv(struct aead *a, const uint8_t iv[AEAD_IV_LEN],
		 const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
		 uint8_t tag[AEAD_TAG_LEN])
{
	uint8_t none[AEAD_TAG_LEN];
	int outl, err;

	if (!a->encrypt)
		return -EINVAL;
	if (a->backend == DCO_AEAD_IPSEC_MB)
		return aead_imb_seal(a, iv, aad, aad_len, buf, len, tag);
	err = start(a, iv, aad, aad_len, len, NULL);
	if (err)
		return err;
	if (len && EVP_EncryptUpdate(a->ctx, buf, &outl, buf, (int)len) != 1)
		return -EIO;
	/* Stream modes: Final writes nothing, but it gets a place to do so. */
	if (EVP_EncryptFinal_ex(a->ctx, none, &outl) != 1 || read_tag(a, tag))
		return -EIO;
	return 0;
}

int aead_open(struct aead *a, uint32_t pktid, const uint8_t *aad, size_t aad_len,
	      const uint8_t *in, uint8_t *out, size_t len,
	      const uint8_t tag[AEAD_TAG_LEN])
{
	uint8_t iv[AEAD_IV_LEN];

	aead_make_iv(a, pktid, iv);
	return aead_open_iv(a, iv, aad, aad_len, in, out, len, tag);
}

int aead_open_iv(struct aead *a, const uint8_t iv[AEAD_IV_LEN],
		 const uint8_t *aad, size_t aad_len, const uint8_t *in,
		 uint8_t *out, size_t len, const uint8_t tag[AEAD_TAG_LEN])
{
	uint8_t none[AEAD_TAG_LEN];
	int outl, err;

	if (a->encrypt)
		return -EINVAL;
	if (a->backend == DCO_AEAD_IPSEC_MB)
		return aead_imb_open(a, iv, aad, aad_len, in, out, len, tag);
	err = start(a, iv, aad, aad_len, len, tag);
	if (err)
		return err;
	if (len && EVP_DecryptUpdate(a->ctx, out, &outl, in, (int)len) != 1)
		return -EIO;
	/* OpenSSL takes the expected tag as non-const but only copies it. */
	if (!is_gcm(a) && EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG,
					   AEAD_TAG_LEN, (void *)tag) != 1)
		return -EIO;
	if (EVP_DecryptFinal_ex(a->ctx, none, &outl) != 1)
		return -EBADMSG;
	return 0;
}
