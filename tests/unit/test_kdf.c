/*
 * Data channel key derivation (src/ctl/kdf.c) against what the real openvpn
 * 2.6.14 derived (tests/vectors/make-kdf-vectors.sh, README-kdf.md):
 *  - PRF: the client's randoms, pre_master and session ids give the key
 *    block whose logged parts openvpn used (and an independent Python PRF
 *    reproduced, for the bytes openvpn does not log);
 *  - EKM: openvpn's per-direction keys tell which quarter each side sends
 *    with; kdf_slice must agree for both roles;
 *  - slicing mirrors: the client's encrypt is the server's decrypt, for
 *    every cipher, with the AEAD nonce tail from the HMAC half.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/kdf.h"

#include "../vectors/kdf-vectors.inc"

static void prf_sources(struct kdf_key_source *c, struct kdf_key_source *s)
{
	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	memcpy(c->pre_master, kdf_prf_client_pre_master, KDF_PRE_MASTER_LEN);
	memcpy(c->random1, kdf_prf_client_random1, KDF_RANDOM_LEN);
	memcpy(c->random2, kdf_prf_client_random2, KDF_RANDOM_LEN);
	memcpy(s->random1, kdf_prf_server_random1, KDF_RANDOM_LEN);
	memcpy(s->random2, kdf_prf_server_random2, KDF_RANDOM_LEN);
}

static void test_prf_master(void **state)
{
	uint8_t seed[sizeof(KDF_PRF_MASTER_LABEL) - 1 + 2 * KDF_RANDOM_LEN];
	size_t l = strlen(KDF_PRF_MASTER_LABEL);
	uint8_t master[KDF_MASTER_LEN];

	(void)state;
	memcpy(seed, KDF_PRF_MASTER_LABEL, l);
	memcpy(seed + l, kdf_prf_client_random1, KDF_RANDOM_LEN);
	memcpy(seed + l + KDF_RANDOM_LEN, kdf_prf_server_random1, KDF_RANDOM_LEN);
	assert_int_equal(kdf_tls1_prf(kdf_prf_client_pre_master, KDF_PRE_MASTER_LEN,
				      seed, sizeof(seed), master, sizeof(master)), 0);
	assert_memory_equal(master, kdf_prf_master, KDF_MASTER_LEN);
}

static void test_prf_block(void **state)
{
	struct kdf_key_source c, s;
	struct kdf_key_block kb;

	(void)state;
	prf_sources(&c, &s);
	assert_int_equal(kdf_prf(&c, &s, kdf_prf_client_sid, kdf_prf_server_sid,
				 &kb), 0);
	assert_memory_equal(kb.b, kdf_prf_key_block, KDF_KEY_BLOCK_LEN);
	/* The parts openvpn logged itself. */
	assert_memory_equal(kb.b, kdf_prf_keys0_cipher, sizeof(kdf_prf_keys0_cipher));
	assert_memory_equal(kb.b + 64, kdf_prf_keys0_hmac, sizeof(kdf_prf_keys0_hmac));
	assert_memory_equal(kb.b + 128, kdf_prf_keys1_cipher,
			    sizeof(kdf_prf_keys1_cipher));
	assert_memory_equal(kb.b + 192, kdf_prf_keys1_hmac, sizeof(kdf_prf_keys1_hmac));

	/* Session ids swapped: a different block (the order matters). */
	assert_int_equal(kdf_prf(&c, &s, kdf_prf_server_sid, kdf_prf_client_sid,
				 &kb), 0);
	assert_memory_not_equal(kb.b, kdf_prf_key_block, KDF_KEY_BLOCK_LEN);
	kdf_key_block_wipe(&kb);
	for (size_t i = 0; i < sizeof(kb.b); i++)
		assert_int_equal(kb.b[i], 0);
}

static void test_prf_slice(void **state)
{
	struct dco_key_config kc;
	struct kdf_key_block kb;

	(void)state;
	memcpy(kb.b, kdf_prf_key_block, sizeof(kb.b));
	/* The openvpn client sent with keys[0] ("Outgoing"). */
	assert_int_equal(kdf_slice(&kb, TLS_ROLE_CLIENT, DCO_CIPHER_AES_256_GCM, 0,
				   DCO_KEY_PRIMARY, &kc), 0);
	assert_memory_equal(kc.encrypt.key, kdf_prf_out_cipher, 32);
	assert_memory_equal(kc.decrypt.key, kdf_prf_in_cipher, 32);
	assert_memory_equal(kc.encrypt.nonce_tail, kdf_prf_keys0_hmac, 8);
	assert_memory_equal(kc.decrypt.nonce_tail, kdf_prf_keys1_hmac, 8);
	assert_int_equal(kdf_slice(&kb, TLS_ROLE_SERVER, DCO_CIPHER_AES_256_GCM, 0,
				   DCO_KEY_PRIMARY, &kc), 0);
	assert_memory_equal(kc.encrypt.key, kdf_prf_in_cipher, 32);
	assert_memory_equal(kc.decrypt.key, kdf_prf_out_cipher, 32);
	assert_memory_equal(kc.encrypt.nonce_tail, kdf_prf_keys1_hmac, 8);
	dco_key_config_wipe(&kc);
}

static void test_ekm_slice(void **state)
{
	struct dco_key_config kc;
	struct kdf_key_block kb;

	(void)state;
	assert_string_equal(kdf_ekm_cipher, "AES-256-GCM");
	memset(&kb, 0, sizeof(kb));
	memcpy(kb.b, kdf_ekm_keys0_cipher, 32);
	memcpy(kb.b + 128, kdf_ekm_keys1_cipher, 32);
	assert_int_equal(kdf_slice(&kb, TLS_ROLE_CLIENT, DCO_CIPHER_AES_256_GCM, 0,
				   DCO_KEY_PRIMARY, &kc), 0);
	assert_memory_equal(kc.encrypt.key, kdf_ekm_out_cipher, 32);
	assert_memory_equal(kc.decrypt.key, kdf_ekm_in_cipher, 32);
	assert_int_equal(kdf_slice(&kb, TLS_ROLE_SERVER, DCO_CIPHER_AES_256_GCM, 0,
				   DCO_KEY_PRIMARY, &kc), 0);
	assert_memory_equal(kc.encrypt.key, kdf_ekm_server_out_cipher, 32);
	assert_memory_equal(kc.decrypt.key, kdf_ekm_server_in_cipher, 32);
}

/* A block of 0, 1, 2, ... makes every offset visible. */
static void counting_block(struct kdf_key_block *kb)
{
	for (size_t i = 0; i < sizeof(kb->b); i++)
		kb->b[i] = (uint8_t)i;
}

static void test_slice_mirrored(void **state)
{
	static const enum dco_cipher ciphers[] = {
		DCO_CIPHER_AES_128_GCM, DCO_CIPHER_AES_192_GCM,
		DCO_CIPHER_AES_256_GCM, DCO_CIPHER_CHACHA20_POLY1305,
	};
	struct dco_key_config c, s;
	struct kdf_key_block kb;

	(void)state;
	counting_block(&kb);
	for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
		size_t len = dco_cipher_key_len(ciphers[i]);
		uint8_t zero[DCO_KEY_MAX] = { 0 };

		assert_int_equal(kdf_slice(&kb, TLS_ROLE_CLIENT, ciphers[i], 3,
					   DCO_KEY_SECONDARY, &c), 0);
		assert_int_equal(kdf_slice(&kb, TLS_ROLE_SERVER, ciphers[i], 3,
					   DCO_KEY_SECONDARY, &s), 0);
		assert_memory_equal(&c.encrypt, &s.decrypt, sizeof(c.encrypt));
		assert_memory_equal(&c.decrypt, &s.encrypt, sizeof(c.decrypt));
		/* client -> server: cipher bytes 0.., nonce tail 64..71 */
		assert_int_equal(c.encrypt.key[0], 0);
		assert_int_equal(c.encrypt.key[len - 1], len - 1);
		assert_memory_equal(c.encrypt.key + len, zero, DCO_KEY_MAX - len);
		assert_int_equal(c.encrypt.nonce_tail[0], 64);
		assert_int_equal(c.encrypt.nonce_tail[7], 71);
		/* server -> client: cipher bytes 128.., nonce tail 192..199 */
		assert_int_equal(c.decrypt.key[0], 128);
		assert_int_equal(c.decrypt.nonce_tail[0], 192);
		assert_int_equal(c.decrypt.nonce_tail[7], 199);
		assert_int_equal(c.key_id, 3);
		assert_int_equal(c.slot, DCO_KEY_SECONDARY);
		assert_int_equal(c.cipher, ciphers[i]);
	}
}

static void test_slice_edges(void **state)
{
	struct dco_key_config kc;
	struct kdf_key_block kb;
	uint8_t zero[sizeof(kc.encrypt)] = { 0 };

	(void)state;
	counting_block(&kb);
	assert_int_equal(kdf_slice(&kb, TLS_ROLE_CLIENT, DCO_CIPHER_AES_256_GCM, 8,
				   DCO_KEY_PRIMARY, &kc), -EINVAL);
	assert_int_equal(kdf_slice(&kb, (enum tls_role)7, DCO_CIPHER_AES_256_GCM,
				   0, DCO_KEY_PRIMARY, &kc), -EINVAL);
	assert_int_equal(kdf_slice(&kb, TLS_ROLE_CLIENT, (enum dco_cipher)99, 0,
				   DCO_KEY_PRIMARY, &kc), -EINVAL);
	assert_int_equal(kdf_slice(&kb, TLS_ROLE_CLIENT, DCO_CIPHER_NONE, 7,
				   DCO_KEY_PRIMARY, &kc), 0);
	assert_memory_equal(&kc.encrypt, zero, sizeof(zero));
	assert_memory_equal(&kc.decrypt, zero, sizeof(zero));
	assert_int_equal(kc.key_id, 7);
}

static void test_key_source_random(void **state)
{
	struct kdf_key_source a, b;

	(void)state;
	assert_int_equal(kdf_key_source_random(&a), 0);
	assert_int_equal(kdf_key_source_random(&b), 0);
	assert_memory_not_equal(&a, &b, sizeof(a));
	kdf_key_source_wipe(&a);
	memset(&b, 0, sizeof(b));
	assert_memory_equal(&a, &b, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prf_master),
		cmocka_unit_test(test_prf_block),
		cmocka_unit_test(test_prf_slice),
		cmocka_unit_test(test_ekm_slice),
		cmocka_unit_test(test_slice_mirrored),
		cmocka_unit_test(test_slice_edges),
		cmocka_unit_test(test_key_source_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
