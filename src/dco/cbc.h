/*
 * One direction of one legacy (non-AEAD) data channel key: an AES-CBC
 * context and an HMAC context (OpenSSL EVP), keyed once and re-used for
 * every packet; per packet only the IV is loaded and the HMAC restarted.
 * The packet layout around it is keyslot_cbc.c's (proto/datapkt_cbc.h).
 */
#ifndef DCOVPN_DCO_CBC_H
#define DCOVPN_DCO_CBC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dcovpn/dco.h"

#define CBC_IV_LEN 16u
#define CBC_BLOCK 16u
/* IVs drawn from the RNG at once: one RAND_bytes call costs about as much
 * as 50 IVs' worth of bytes (OpenSSL 3.0: ~2.8 us per call, ~50 ns per
 * 16 bytes in a 1 KiB call, on the test machine). */
#define CBC_IV_BATCH 32u

struct cbc {
	void *cipher;   /* EVP_CIPHER_CTX */
	void *mac;      /* EVP_MAC_CTX, HMAC with the key set */
	size_t mac_len;
	uint8_t *ivs;   /* encrypt only: CBC_IV_BATCH random IVs (heap) */
	unsigned ivs_used;
};

/* 0, -EINVAL (not a CBC cipher, unknown @auth), -ENOMEM, -EIO (OpenSSL
 * refused). @key is dco_cipher_key_len(), @hmac_key dco_auth_len() bytes. */
int cbc_init(struct cbc *c, enum dco_cipher cipher, enum dco_auth auth,
	     const uint8_t *key, const uint8_t *hmac_key, bool encrypt);
/* Free both contexts (OpenSSL cleanses their keys); safe on a zeroed one. */
void cbc_free(struct cbc *c);

/* A fresh unpredictable IV for the next packet (encrypt contexts). */
int cbc_next_iv(struct cbc *c, uint8_t iv[CBC_IV_LEN]);

/* Encrypt @len bytes at @buf in place with PKCS#7 padding: up to CBC_BLOCK
 * bytes beyond @len are written. *out_len: the ciphertext's length. */
int cbc_encrypt(struct cbc *c, const uint8_t iv[CBC_IV_LEN], uint8_t *buf,
		size_t len, size_t *out_len);
/* Decrypt @len bytes (a multiple of CBC_BLOCK) from @in to @out (the same
 * place, or apart without overlap) and strip the padding. -EBADMSG for a
 * bad length or padding. */
int cbc_decrypt(struct cbc *c, const uint8_t iv[CBC_IV_LEN], const uint8_t *in,
		uint8_t *out, size_t len, size_t *out_len);

/* HMAC of @len bytes at @data into @out (c->mac_len bytes). */
int cbc_mac(struct cbc *c, const uint8_t *data, size_t len, uint8_t *out);
/* 0 if @mac is the HMAC of @data (compared in constant time), else
 * -EBADMSG. */
int cbc_mac_verify(struct cbc *c, const uint8_t *data, size_t len,
		   const uint8_t *mac);

#endif
