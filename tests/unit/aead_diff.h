/*
 * The differential check of the two AEAD backends (src/dco/aead.h), shared
 * by the unit test (test_aead_diff.c) and the fuzz target
 * (fuzz/fuzz_aead_diff.c).
 */
#ifndef DCOVPN_TESTS_AEAD_DIFF_H
#define DCOVPN_TESTS_AEAD_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "dcovpn/dco.h"

struct aead_diff_case {
	enum dco_cipher cipher;         /* any but NONE */
	const uint8_t *key;             /* dco_cipher_key_len(cipher) bytes */
	const uint8_t *tail;            /* DCO_NONCE_TAIL_LEN bytes */
	uint32_t pktid;
	const uint8_t *aad, *pt;
	size_t aad_len, len;
	/* what to alter before the tampered open: byte (tamper_at % size) of
	 * the tag, AAD or ciphertext (tamper_what 0, 1, 2), or the packet-id
	 * (3); XOR mask tamper_mask (0 taken as 1) */
	unsigned tamper_what;
	size_t tamper_at;
	uint8_t tamper_mask;
};

/*
 * Seal with OpenSSL and with ipsec-mb: identical ciphertext and tag; each
 * opens what the other sealed, in place and out of place; the tampered
 * packet is refused by both. NULL when all of that holds, else what did
 * not. Needs the ipsec-mb backend usable (callers check).
 */
const char *aead_diff_check(const struct aead_diff_case *c);

#endif
