/*
 * Epoch key schedule (epoch_kdf.h). OpenSSL's TLS13-KDF builds exactly the
 * label OpenVPN hashes (2-byte length, length-prefixed "ovpn " || label,
 * an empty context) and runs HKDF-Expand over it, so no HMAC is
 * hand-written here; OpenVPN's own unit tests compare their expansion with
 * this very OpenSSL KDF.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "base/mem.h"
#include "dco/epoch_kdf.h"

int epoch_kdf_init(struct epoch_kdf *k)
{
	*k = (struct epoch_kdf){ 0 };
	k->kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_TLS1_3_KDF, NULL);
	if (!k->kdf)
		return -EIO;
	k->ctx = EVP_KDF_CTX_new(k->kdf);
	if (!k->ctx) {
		epoch_kdf_free(k);
		return -ENOMEM;
	}
	return 0;
}

void epoch_kdf_free(struct epoch_kdf *k)
{
	/* the context's copy of the last secret is cleansed by OpenSSL */
	EVP_KDF_CTX_free(k->ctx);
	EVP_KDF_free(k->kdf);
	*k = (struct epoch_kdf){ 0 };
}

int epoch_kdf_expand_label(struct epoch_kdf *k,
			   const uint8_t secret[EPOCH_KEY_LEN],
			   const char *label, uint8_t *out, size_t out_len)
{
	static const char prefix[] = "ovpn ";
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
	size_t label_len = strlen(label);
	OSSL_PARAM params[6];
	unsigned n = 0;

	if (!k->ctx || label_len < 1 || label_len > 250 || out_len > UINT16_MAX)
		return -EINVAL;
	params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						       (char *)"SHA256", 0);
	params[n++] = OSSL_PARAM_construct_octet_string(
		OSSL_KDF_PARAM_KEY, (void *)secret, EPOCH_KEY_LEN);
	params[n++] = OSSL_PARAM_construct_octet_string(
		OSSL_KDF_PARAM_PREFIX, (void *)prefix, sizeof(prefix) - 1);
	params[n++] = OSSL_PARAM_construct_octet_string(
		OSSL_KDF_PARAM_LABEL, (void *)label, label_len);
	params[n] = OSSL_PARAM_construct_end();
	return EVP_KDF_derive(k->ctx, out, out_len, params) == 1 ? 0 : -EIO;
}

int epoch_kdf_next(struct epoch_kdf *k, struct epoch_key *ek)
{
	uint8_t next[EPOCH_KEY_LEN];
	int err;

	if (ek->epoch == UINT16_MAX)
		return -ERANGE;
	err = epoch_kdf_expand_label(k, ek->e, "datakey upd", next, sizeof(next));
	if (!err) {
		memcpy(ek->e, next, sizeof(next));
		ek->epoch++;
	}
	mem_wipe(next, sizeof(next));
	return err;
}

int epoch_kdf_data_key(struct epoch_kdf *k, const struct epoch_key *ek,
		       enum dco_cipher cipher, struct epoch_data_key *out)
{
	size_t key_len = dco_cipher_key_len(cipher);
	int err;

	*out = (struct epoch_data_key){ 0 };
	if (cipher == DCO_CIPHER_NONE || !key_len || key_len > DCO_KEY_MAX)
		return -EINVAL;
	err = epoch_kdf_expand_label(k, ek->e, "data_key", out->key, key_len);
	if (!err)
		err = epoch_kdf_expand_label(k, ek->e, "data_iv", out->iv,
					     EPOCH_IV_LEN);
	if (err) {
		mem_wipe(out, sizeof(*out));
		return err;
	}
	out->epoch = ek->epoch;
	return 0;
}
