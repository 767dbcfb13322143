/*
 * One direction of one key, set up once and re-used for every packet (only
 * the IV changes per packet): an OpenSSL EVP AEAD context, or
 * with the intel-ipsec-mb backend its (expanded) key (aead_imb.c).
 * IV (12 bytes) = packet-id as on the wire (4) || nonce tail (8).
 */
#ifndef DCOVPN_DCO_AEAD_H
#define DCOVPN_DCO_AEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dcovpn/dco.h"

#define AEAD_TAG_LEN 16u
#define AEAD_IV_LEN 12u

struct aead {
	void *ctx;                     /* EVP_CIPHER_CTX (OpenSSL backend) */
	void *imb_key;                 /* struct gcm_key_data (ipsec-mb) */
	void (*imb_seal)(void);        /* the library's GCM enc/dec for the */
	void (*imb_open)(void);        /* key size, cast back in aead_imb.c */
	enum dco_aead_backend backend; /* resolved: OPENSSL or IPSEC_MB */
	enum dco_cipher cipher;
	bool encrypt;
	uint8_t nonce_tail[DCO_NONCE_TAIL_LEN];
};

/*
 * 0, -EINVAL (bad cipher/key length), -ENOMEM, -EIO (OpenSSL refused),
 * -ENOTSUP (ipsec-mb asked for but not usable). @backend AUTO is resolved
 * (dco_aead_backend_resolve); a->backend tells which one runs.
 */
int aead_init(struct aead *a, enum dco_aead_backend backend,
	      enum dco_cipher cipher, const uint8_t *key,
	      size_t key_len, const uint8_t nonce_tail[DCO_NONCE_TAIL_LEN],
	      bool encrypt);
/* Frees the context and wipes the nonce tail; safe on a zeroed struct. */
void aead_free(struct aead *a);

/* Encrypt @len bytes at @buf in place; write the tag to @tag. */
int aead_seal(struct aead *a, uint32_t pktid, const uint8_t *aad, size_t aad_len,
	      uint8_t *buf, size_t len, uint8_t tag[AEAD_TAG_LEN]);
/* Decrypt @in into @out (the same buffer, or apart without overlap);
 * -EBADMSG if the tag does not verify (@out then holds garbage). */
int aead_open(struct aead *a, uint32_t pktid, const uint8_t *aad, size_t aad_len,
	      const uint8_t *in, uint8_t *out, size_t len,
	      const uint8_t tag[AEAD_TAG_LEN]);

/* The same with the whole 12-byte IV given (OpenVPN 2.7's epoch format
 * makes it differently: src/dco/epoch.c); the nonce tail is not used. */
int aead_seal_iv(struct aead *a, const uint8_t iv[AEAD_IV_LEN],
		 const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
		 uint8_t tag[AEAD_TAG_LEN]);
int aead_open_iv(struct aead *a, const uint8_t iv[AEAD_IV_LEN],
		 const uint8_t *aad, size_t aad_len, const uint8_t *in,
		 uint8_t *out, size_t len, const uint8_t tag[AEAD_TAG_LEN]);

/* The packet's IV: @pktid big-endian, then the nonce tail (backends). */
void aead_make_iv(const struct aead *a, uint32_t pktid, uint8_t iv[AEAD_IV_LEN]);

#endif
