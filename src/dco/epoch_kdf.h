/*
 * The key schedule of OpenVPN 2.7's epoch data keys (crypto_epoch.c there),
 * on OpenSSL's TLS 1.3 HKDF-Expand-Label ("TLS13-KDF") with the label
 * prefix "ovpn " instead of "tls13 ", SHA-256, no context:
 *
 *   E_1       = first 32 bytes of the key block's cipher half of a
 *               direction (ctl/kdf.h), one per direction
 *   E_n+1     = Expand-Label(E_n, "datakey upd", 32)
 *   key_n     = Expand-Label(E_n, "data_key", cipher key length)
 *   iv_n      = Expand-Label(E_n, "data_iv", 12)   the implicit IV
 *
 * Secrets: callers wipe what they receive (mem_wipe); nothing is logged.
 * Errors: 0 or -errno (-ENOMEM, -EIO when OpenSSL refuses, -EINVAL).
 */
#ifndef DCOVPN_DCO_EPOCH_KDF_H
#define DCOVPN_DCO_EPOCH_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "dcovpn/dco.h"

#define EPOCH_KEY_LEN 32u
#define EPOCH_IV_LEN 12u

/* A fetched KDF and its context, kept to derive many keys cheaply. One
 * thread at a time. */
struct epoch_kdf {
	void *kdf; /* EVP_KDF */
	void *ctx; /* EVP_KDF_CTX */
};

/* The epoch key of one epoch (secret). */
struct epoch_key {
	uint16_t epoch;
	uint8_t e[EPOCH_KEY_LEN];
};

/* A data key of one epoch (secret): cipher key and implicit IV. */
struct epoch_data_key {
	uint16_t epoch; /* 0: none */
	uint8_t key[DCO_KEY_MAX];
	uint8_t iv[EPOCH_IV_LEN];
};

int epoch_kdf_init(struct epoch_kdf *k);
void epoch_kdf_free(struct epoch_kdf *k);

/* OVPN-Expand-Label(@secret, @label, "", @out_len); @label <= 250 bytes. */
int epoch_kdf_expand_label(struct epoch_kdf *k,
			   const uint8_t secret[EPOCH_KEY_LEN],
			   const char *label, uint8_t *out, size_t out_len);

/* E_n -> E_n+1 in place. -ERANGE at epoch 65535 (the last one). */
int epoch_kdf_next(struct epoch_kdf *k, struct epoch_key *ek);

/* key_n and iv_n of @ek for @cipher (an AEAD cipher). */
int epoch_kdf_data_key(struct epoch_kdf *k, const struct epoch_key *ek,
		       enum dco_cipher cipher, struct epoch_data_key *out);

#endif
