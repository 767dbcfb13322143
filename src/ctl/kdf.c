/*
 * Data channel key derivation (kdf.h): TLS-EKM, OpenVPN's PRF through
 * OpenSSL's "TLS1-PRF" KDF, and slicing the key block for the engine.
 */
#include "ctl/kdf.h"

#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "base/mem.h"

/* Longest PRF seed: the expansion label, two randoms, two session ids. */
#define SEED_MAX (sizeof(KDF_PRF_EXPANSION_LABEL) + 2 * KDF_RANDOM_LEN + \
		  2 * KDF_SID_LEN)

int kdf_key_source_random(struct kdf_key_source *src)
{
	if (RAND_bytes((unsigned char *)src, sizeof(*src)) != 1) {
		kdf_key_source_wipe(src);
		return -EIO;
	}
	return 0;
}

int kdf_ekm(struct tls_session *s, struct kdf_key_block *out)
{
	return tls_session_export(s, KDF_EKM_LABEL, out->b, sizeof(out->b));
}

int kdf_tls1_prf(const uint8_t *secret, size_t secret_len,
		 const uint8_t *seed, size_t seed_len,
		 uint8_t *out, size_t out_len)
{
	OSSL_PARAM params[4];
	EVP_KDF_CTX *kctx = NULL;
	EVP_KDF *kdf;
	int ret = -EIO;

	kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_TLS1_PRF, NULL);
	if (kdf)
		kctx = EVP_KDF_CTX_new(kdf);
	if (!kctx)
		goto out;
	/* MD5-SHA1: P_MD5 on one half of the secret xor P_SHA1 on the other. */
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						     (char *)"MD5-SHA1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
						      (void *)secret, secret_len);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED,
						      (void *)seed, seed_len);
	params[3] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, out_len, params) == 1)
		ret = 0;
out:
	if (ret)
		mem_wipe(out, out_len);
	EVP_KDF_CTX_free(kctx);	/* OpenSSL cleanses its copy of the secret */
	EVP_KDF_free(kdf);
	return ret;
}

/* label | a | b [| sid1 | sid2] into @seed; returns the length. */
static size_t seed_build(uint8_t seed[SEED_MAX], const char *label,
			 const uint8_t *a, const uint8_t *b,
			 const uint8_t *sid1, const uint8_t *sid2)
{
	size_t n = strlen(label);

	memcpy(seed, label, n);
	memcpy(seed + n, a, KDF_RANDOM_LEN);
	n += KDF_RANDOM_LEN;
	memcpy(seed + n, b, KDF_RANDOM_LEN);
	n += KDF_RANDOM_LEN;
	if (sid1 && sid2) {
		memcpy(seed + n, sid1, KDF_SID_LEN);
		n += KDF_SID_LEN;
		memcpy(seed + n, sid2, KDF_SID_LEN);
		n += KDF_SID_LEN;
	}
	return n;
}

int kdf_prf(const struct kdf_key_source *client,
	    const struct kdf_key_source *server,
	    const uint8_t client_sid[KDF_SID_LEN],
	    const uint8_t server_sid[KDF_SID_LEN],
	    struct kdf_key_block *out)
{
	uint8_t master[KDF_MASTER_LEN];
	uint8_t seed[SEED_MAX];
	size_t n;
	int ret;

	n = seed_build(seed, KDF_PRF_MASTER_LABEL, client->random1,
		       server->random1, NULL, NULL);
	ret = kdf_tls1_prf(client->pre_master, sizeof(client->pre_master),
			   seed, n, master, sizeof(master));
	if (ret)
		goto out;
	n = seed_build(seed, KDF_PRF_EXPANSION_LABEL, client->random2,
		       server->random2, client_sid, server_sid);
	ret = kdf_tls1_prf(master, sizeof(master), seed, n, out->b,
			   sizeof(out->b));
out:
	mem_wipe(master, sizeof(master));
	mem_wipe(seed, sizeof(seed));
	return ret;
}

/* One direction: keys[@idx] = cipher half, then HMAC half (the AEAD's
 * nonce tail, the CBC ciphers' HMAC key: the engine uses what it needs). */
static void slice_dir(const struct kdf_key_block *kb, unsigned idx,
		      size_t key_len, struct dco_key_dir *dir)
{
	const uint8_t *base = kb->b + idx * 2 * KDF_KEY_HALF_LEN;

	memset(dir, 0, sizeof(*dir));
	memcpy(dir->key, base, key_len);
	memcpy(dir->nonce_tail, base + KDF_KEY_HALF_LEN, DCO_NONCE_TAIL_LEN);
	memcpy(dir->hmac_key, base + KDF_KEY_HALF_LEN, DCO_HMAC_KEY_MAX);
}

int kdf_slice(const struct kdf_key_block *kb, enum tls_role role,
	      enum dco_cipher cipher, uint8_t key_id, enum dco_key_slot slot,
	      struct dco_key_config *out)
{
	/* The client sends with keys[0], the server with keys[1]. */
	unsigned tx = role == TLS_ROLE_SERVER ? 1 : 0;
	size_t key_len;

	memset(out, 0, sizeof(*out));
	if (key_id > 7 || (role != TLS_ROLE_CLIENT && role != TLS_ROLE_SERVER))
		return -EINVAL;
	out->slot = slot;
	out->key_id = key_id;
	out->cipher = cipher;
	if (cipher == DCO_CIPHER_NONE)
		return 0;
	key_len = dco_cipher_key_len(cipher);
	if (!key_len || key_len > DCO_KEY_MAX || key_len > KDF_KEY_HALF_LEN)
		return -EINVAL;
	slice_dir(kb, tx, key_len, &out->encrypt);
	slice_dir(kb, 1 - tx, key_len, &out->decrypt);
	return 0;
}

int kdf_slice_epoch(const struct kdf_key_block *kb, enum tls_role role,
		    struct dco_key_config *out)
{
	unsigned tx = role == TLS_ROLE_SERVER ? 1 : 0;

	if (out->cipher == DCO_CIPHER_NONE || DCO_KEY_MAX < 32)
		return -EINVAL;
	slice_dir(kb, tx, 32, &out->encrypt);
	slice_dir(kb, 1 - tx, 32, &out->decrypt);
	out->epoch = true;
	return 0;
}

void kdf_key_block_wipe(struct kdf_key_block *kb)
{
	mem_wipe(kb, sizeof(*kb));
}

void kdf_key_source_wipe(struct kdf_key_source *src)
{
	mem_wipe(src, sizeof(*src));
}
