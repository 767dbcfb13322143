/*
 * The two AEAD backends side by side (aead_diff.h): random keys, nonce
 * tails, packet-ids, AAD and lengths 0..9000, then every edge length around
 * the AES block and the 1400-byte packet; each case also tampers with the
 * tag, the AAD, the ciphertext or the packet-id. A fixed seed, so a failure
 * repeats; the fuzz target (fuzz/fuzz_aead_diff.c) explores further.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "aead_diff.h"

static const enum dco_cipher aeads[] = {
	DCO_CIPHER_AES_128_GCM, DCO_CIPHER_AES_192_GCM, DCO_CIPHER_AES_256_GCM,
	DCO_CIPHER_CHACHA20_POLY1305,
};
#define N_AEADS (sizeof(aeads) / sizeof(aeads[0]))
#define MAX_LEN 9000u
#define MAX_AAD 64u

/* xorshift64: reproducible without touching the C library's rand state */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill(uint64_t *s, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)next(s);
}

struct material {
	uint8_t key[32], tail[DCO_NONCE_TAIL_LEN], aad[MAX_AAD], pt[MAX_LEN];
};

static void check(uint64_t *s, struct material *m, enum dco_cipher cipher,
		  size_t len, size_t aad_len, unsigned tamper)
{
	struct aead_diff_case c = {
		.cipher = cipher, .key = m->key, .tail = m->tail, .aad = m->aad,
		.pt = m->pt, .aad_len = aad_len, .len = len,
		.tamper_what = tamper,
	};
	const char *verdict;

	fill(s, m->key, sizeof(m->key));
	fill(s, m->tail, sizeof(m->tail));
	fill(s, m->aad, aad_len);
	fill(s, m->pt, len);
	c.pktid = (uint32_t)next(s);
	c.tamper_at = (size_t)next(s);
	c.tamper_mask = (uint8_t)next(s);
	verdict = aead_diff_check(&c);
	if (verdict)
		fail_msg("%s: %s, %zu bytes, %zu AAD, tamper %u", verdict,
			 dco_cipher_name(cipher), len, aad_len, tamper);
}

static void test_random_cases(void **state)
{
	static struct material m;
	uint64_t s = 0x9e3779b97f4a7c15u;

	(void)state;
	for (unsigned i = 0; i < 600; i++)
		check(&s, &m, aeads[i % N_AEADS], next(&s) % (MAX_LEN + 1),
		      next(&s) % (MAX_AAD + 1), i % 4);
}

static void test_edge_lengths(void **state)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 31, 32, 33, 47, 48,
				       63, 64, 65, 127, 128, 255, 256, 257,
				       511, 512, 1399, 1400, 1401, 4096,
				       8191, 8192, 8999, MAX_LEN };
	static const size_t aads[] = { 0, 1, 8, 12, 16, 17 };
	static struct material m;
	uint64_t s = 0x1234567887654321u;

	(void)state;
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
		for (size_t a = 0; a < sizeof(aads) / sizeof(aads[0]); a++)
			for (unsigned t = 0; t < 4; t++)
				check(&s, &m, aeads[(l + a + t) % N_AEADS],
				      lens[l], aads[a], t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_cases),
		cmocka_unit_test(test_edge_lengths),
	};
	enum dco_aead_backend b;

	if (dco_aead_backend_resolve(DCO_AEAD_IPSEC_MB, &b)) {
		print_message("ipsec-mb backend not usable here: nothing to "
			      "compare\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
