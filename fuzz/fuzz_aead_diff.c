/*
 * libFuzzer target: the two AEAD backends must agree (tests/unit/aead_diff.h)
 * on whatever the input makes: identical ciphertext and tag, each opening
 * the other's packet, both refusing the tampered one.
 *
 * Input: byte 0 bits 0-1 the cipher (AES-128/192/256-GCM, CHACHA20-POLY1305),
 * bits 2-3 what to tamper with (tag, AAD, ciphertext, packet-id); byte 1 the
 * AAD length (up to 64); byte 2 the tamper mask; bytes 3-4 the tamper
 * position; then 32 key bytes, 8 nonce-tail bytes, 4 packet-id bytes, the
 * AAD, and the rest is the plaintext (up to 9000 bytes). Short inputs are
 * padded with zeros.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/aead_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEAD 5u
#define MATERIAL (32u + DCO_NONCE_TAIL_LEN + 4u)
#define MAX_AAD 64u
#define MAX_PT 9000u

static const enum dco_cipher aeads[4] = {
	DCO_CIPHER_AES_128_GCM, DCO_CIPHER_AES_192_GCM, DCO_CIPHER_AES_256_GCM,
	DCO_CIPHER_CHACHA20_POLY1305,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t in[HEAD + MATERIAL + MAX_AAD + MAX_PT];
	struct aead_diff_case c;
	enum dco_aead_backend b;
	size_t n = size < sizeof(in) ? size : sizeof(in);
	const uint8_t *mat = in + HEAD;

	if (dco_aead_backend_resolve(DCO_AEAD_IPSEC_MB, &b))
		return 0;       /* nothing to compare with on this machine */
	memset(in, 0, sizeof(in));
	memcpy(in, data, n);
	c = (struct aead_diff_case){
		.cipher = aeads[in[0] & 3],
		.tamper_what = (in[0] >> 2) & 3,
		.aad_len = in[1] % (MAX_AAD + 1),
		.tamper_mask = in[2],
		.tamper_at = (size_t)in[3] << 8 | in[4],
		.key = mat,
		.tail = mat + 32,
		.pktid = (uint32_t)mat[40] << 24 | (uint32_t)mat[41] << 16 |
			 (uint32_t)mat[42] << 8 | mat[43],
	};
	c.aad = mat + MATERIAL;
	c.pt = c.aad + c.aad_len;
	c.len = n > HEAD + MATERIAL + c.aad_len ? n - HEAD - MATERIAL - c.aad_len : 0;
	if (aead_diff_check(&c))
		abort();
	return 0;
}
