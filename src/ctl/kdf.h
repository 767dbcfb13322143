/*
 * Data channel key derivation (PROTOCOL.md 4.3-4.5, 9 items 1 and 3).
 *
 * Both methods produce the same thing: a 256-byte key block
 *
 *   bytes   0..63   keys[0].cipher   client -> server cipher key
 *   bytes  64..127  keys[0].hmac     client -> server HMAC / AEAD implicit IV
 *   bytes 128..191  keys[1].cipher   server -> client cipher key
 *   bytes 192..255  keys[1].hmac     server -> client HMAC / AEAD implicit IV
 *
 * (A) TLS-EKM (2.6 default once the server says "key-derivation tls-ekm" or
 *     "protocol-flags ... tls-ekm"): RFC 5705 exporter of the key state's TLS
 *     session, label "EXPORTER-OpenVPN-datakeys", no context, 256 bytes.
 * (B) OpenVPN's PRF (peers without IV_PROTO_TLS_KEY_EXPORT): the TLS 1.0/1.1
 *     PRF (P_MD5 xor P_SHA1), with the label as the start of the seed:
 *       master(48) = PRF(client pre_master,
 *                 "OpenVPN master secret" | c.random1 | s.random1)
 *       block(256) = PRF(master, "OpenVPN key expansion" | c.random2 |
 *                 s.random2 | client session id | server session id)
 *     "client" and "server" are the TLS roles; session ids are the 8-byte
 *     control-channel ids of this key state.
 *
 * Slicing for the engine: the client encrypts with keys[0] and decrypts with
 * keys[1], the server the other way round. AEAD nonce tail = first 8 bytes
 * of the HMAC half of that direction; the CBC ciphers' HMAC key = the first
 * HMAC-size bytes of it (the whole half goes to the engine). NB: tls-crypt's slices are the
 * opposite (client -> server is keys[1] there); this file is data channel
 * only.
 *
 * Secrets: every intermediate is wiped; callers wipe their key blocks with
 * kdf_key_block_wipe() and key configs with dco_key_config_wipe().
 * Errors: 0 / -errno (-EINVAL bad argument, -EIO the TLS library refused,
 * e.g. the PRF under FIPS).
 */
#ifndef DCOVPN_CTL_KDF_H
#define DCOVPN_CTL_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "dcovpn/dco.h"
#include "ctl/tls.h"

#define KDF_KEY_BLOCK_LEN 256u
#define KDF_KEY_HALF_LEN 64u	/* each of cipher / hmac in a direction */
#define KDF_PRE_MASTER_LEN 48u
#define KDF_RANDOM_LEN 32u
#define KDF_MASTER_LEN 48u
#define KDF_SID_LEN 8u
#define KDF_EKM_LABEL "EXPORTER-OpenVPN-datakeys"
#define KDF_PRF_MASTER_LABEL "OpenVPN master secret"
#define KDF_PRF_EXPANSION_LABEL "OpenVPN key expansion"

struct kdf_key_block {
	uint8_t b[KDF_KEY_BLOCK_LEN];
};

/*
 * One side's key method 2 randoms (OpenVPN's struct key_source). pre_master
 * is only sent by the client; the server's is unused (leave it zero).
 */
struct kdf_key_source {
	uint8_t pre_master[KDF_PRE_MASTER_LEN];
	uint8_t random1[KDF_RANDOM_LEN];
	uint8_t random2[KDF_RANDOM_LEN];
};

/* Fill @src with fresh random bytes (RAND_bytes); -EIO if the RNG fails. */
int kdf_key_source_random(struct kdf_key_source *src);

/* (A) from a finished TLS session. */
int kdf_ekm(struct tls_session *s, struct kdf_key_block *out);

/* (B) from both sides' key sources and the session ids. */
int kdf_prf(const struct kdf_key_source *client,
	    const struct kdf_key_source *server,
	    const uint8_t client_sid[KDF_SID_LEN],
	    const uint8_t server_sid[KDF_SID_LEN],
	    struct kdf_key_block *out);

/* The raw TLS 1.0/1.1 PRF (OpenSSL "TLS1-PRF", digest MD5-SHA1); @seed
 * already holds the label. Exposed for the vector tests. */
int kdf_tls1_prf(const uint8_t *secret, size_t secret_len,
		 const uint8_t *seed, size_t seed_len,
		 uint8_t *out, size_t out_len);

/*
 * The engine's key config for our @role: cipher keys (first
 * dco_cipher_key_len() bytes of the cipher half) and nonce tails, with
 * @key_id (0..7) and @slot. DCO_CIPHER_NONE gives all-zero keys.
 */
int kdf_slice(const struct kdf_key_block *kb, enum tls_role role,
	      enum dco_cipher cipher, uint8_t key_id, enum dco_key_slot slot,
	      struct dco_key_config *out);

/*
 * OpenVPN 2.7's epoch data keys instead (dco.h dco_key_config.epoch): each
 * direction's E_1 is the first 32 bytes of its cipher half; @out must come
 * from kdf_slice() for the same @role.
 */
int kdf_slice_epoch(const struct kdf_key_block *kb, enum tls_role role,
		    struct dco_key_config *out);

void kdf_key_block_wipe(struct kdf_key_block *kb);
void kdf_key_source_wipe(struct kdf_key_source *src);

#endif
