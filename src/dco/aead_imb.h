/*
 * The intel-ipsec-mb backend of aead.h (AES-GCM, ChaCha20-Poly1305). Built as stubs (never
 * usable) when the library's header was not found (Makefile:
 * DCOVPN_HAVE_IPSEC_MB), so dcovpn builds and runs on OpenSSL alone.
 */
#ifndef DCOVPN_DCO_AEAD_IMB_H
#define DCOVPN_DCO_AEAD_IMB_H

#include <stdbool.h>

#include "dco/aead.h"

/* Built in, and the CPU has AES-NI and AVX2 or better. */
bool aead_imb_usable(void);
/* The library's own name of the code path it picked ("AVX512"...). */
const char *aead_imb_arch(void);
/* Expand @key (a->cipher's) once; -ENOTSUP, -ENOMEM. */
int aead_imb_init(struct aead *a, const uint8_t *key);
/* Wipe and free the expanded key; safe when there is none. */
void aead_imb_free(struct aead *a);
int aead_imb_seal(struct aead *a, const uint8_t iv[AEAD_IV_LEN], const uint8_t *aad,
		  size_t aad_len, uint8_t *buf, size_t len,
		  uint8_t tag[AEAD_TAG_LEN]);
int aead_imb_open(struct aead *a, const uint8_t iv[AEAD_IV_LEN], const uint8_t *aad,
		  size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
		  const uint8_t tag[AEAD_TAG_LEN]);

#endif
