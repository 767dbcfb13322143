/* The AEAD wrapper against published vectors, and the cipher-name helpers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dco/aead.h"

/*
 * RFC 8439 section 2.8.2: its nonce 07000000 || 4041424344454647 is exactly
 * packet-id 0x07000000 followed by a nonce tail, our IV layout.
 */
static const uint8_t rfc_key[32] = {
	0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b,
	0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
	0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
};
static const uint8_t rfc_tail[8] = { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 };
static const uint8_t rfc_aad[12] = {
	0x50, 0x51, 0x52, 0x53, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
};
static const char rfc_pt[] = "Ladies and Gentlemen of the class of '99: If I "
	"could offer you only one tip for the future, sunscreen would be it.";
static const uint8_t rfc_ct[114] = {
	0xd3, 0x1a, 0x8d, 0x34, 0x64, 0x8e, 0x60, 0xdb, 0x7b, 0x86, 0xaf, 0xbc,
	0x53, 0xef, 0x7e, 0xc2, 0xa4, 0xad, 0xed, 0x51, 0x29, 0x6e, 0x08, 0xfe,
	0xa9, 0xe2, 0xb5, 0xa7, 0x36, 0xee, 0x62, 0xd6, 0x3d, 0xbe, 0xa4, 0x5e,
	0x8c, 0xa9, 0x67, 0x12, 0x82, 0xfa, 0xfb, 0x69, 0xda, 0x92, 0x72, 0x8b,
	0x1a, 0x71, 0xde, 0x0a, 0x9e, 0x06, 0x0b, 0x29, 0x05, 0xd6, 0xa5, 0xb6,
	0x7e, 0xcd, 0x3b, 0x36, 0x92, 0xdd, 0xbd, 0x7f, 0x2d, 0x77, 0x8b, 0x8c,
	0x98, 0x03, 0xae, 0xe3, 0x28, 0x09, 0x1b, 0x58, 0xfa, 0xb3, 0x24, 0xe4,
	0xfa, 0xd6, 0x75, 0x94, 0x55, 0x85, 0x80, 0x8b, 0x48, 0x31, 0xd7, 0xbc,
	0x3f, 0xf4, 0xde, 0xf0, 0x8e, 0x4b, 0x7a, 0x9d, 0xe5, 0x76, 0xd2, 0x65,
	0x86, 0xce, 0xc6, 0x4b, 0x61, 0x16,
};
static const uint8_t rfc_tag[16] = {
	0x1a, 0xe1, 0x0b, 0x59, 0x4f, 0x09, 0xe2, 0x6a, 0x7e, 0x90, 0x2e, 0xcb,
	0xd0, 0x60, 0x06, 0x91,
};

/*
 * The GCM specification's (McGrew & Viega) test case 16, AES-256: IV
 * cafebabe || facedbaddecaf888 is packet-id 0xcafebabe and a nonce tail.
 */
static const uint8_t gcm_key[32] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94,
	0x67, 0x30, 0x83, 0x08, 0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
};
static const uint8_t gcm_tail[8] = { 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88 };
static const uint8_t gcm_aad[20] = {
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed, 0xfa, 0xce,
	0xde, 0xad, 0xbe, 0xef, 0xab, 0xad, 0xda, 0xd2,
};
static const uint8_t gcm_pt[60] = {
	0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5,
	0xaf, 0xf5, 0x26, 0x9a, 0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda,
	0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72, 0x1c, 0x3c, 0x0c, 0x95,
	0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
	0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39,
};
static const uint8_t gcm_ct[60] = {
	0x52, 0x2d, 0xc1, 0xf0, 0x99, 0x56, 0x7d, 0x07, 0xf4, 0x7f, 0x37, 0xa3,
	0x2a, 0x84, 0x42, 0x7d, 0x64, 0x3a, 0x8c, 0xdc, 0xbf, 0xe5, 0xc0, 0xc9,
	0x75, 0x98, 0xa2, 0xbd, 0x25, 0x55, 0xd1, 0xaa, 0x8c, 0xb0, 0x8e, 0x48,
	0x59, 0x0d, 0xbb, 0x3d, 0xa7, 0xb0, 0x8b, 0x10, 0x56, 0x82, 0x88, 0x38,
	0xc5, 0xf6, 0x1e, 0x63, 0x93, 0xba, 0x7a, 0x0a, 0xbc, 0xc9, 0xf6, 0x62,
};
static const uint8_t gcm_tag[16] = {
	0x76, 0xfc, 0x6e, 0xce, 0x0f, 0x4e, 0x17, 0x68, 0xcd, 0xdf, 0x88, 0x53,
	0xbb, 0x2d, 0x55, 0x1b,
};

/*
 * Every test runs once per backend: the state is the backend asked for
 * (main).
 */
static int aead_init_on(void **state, struct aead *a, enum dco_cipher cipher,
			const uint8_t *key, size_t key_len, const uint8_t *tail,
			bool encrypt)
{
	enum dco_aead_backend want = *(enum dco_aead_backend *)*state;
	int err = aead_init(a, want, cipher, key, key_len, tail, encrypt);

	if (!err)
		assert_int_equal(a->backend, want);
	return err;
}

struct vector {
	enum dco_cipher cipher;
	const uint8_t *key, *tail, *aad, *pt, *ct, *tag;
	size_t aad_len, len;
	uint32_t pktid;
};

static void check_vector(void **state, const struct vector *v)
{
	uint8_t buf[128], out[128], tag[AEAD_TAG_LEN];
	struct aead enc, dec;

	assert_int_equal(aead_init_on(state, &enc, v->cipher, v->key, 32, v->tail, true), 0);
	assert_int_equal(aead_init_on(state, &dec, v->cipher, v->key, 32, v->tail, false), 0);
	/* Twice: the context must be reusable with only the IV reset. */
	for (int round = 0; round < 2; round++) {
		memcpy(buf, v->pt, v->len);
		assert_int_equal(aead_seal(&enc, v->pktid, v->aad, v->aad_len, buf,
					   v->len, tag), 0);
		assert_memory_equal(buf, v->ct, v->len);
		assert_memory_equal(tag, v->tag, AEAD_TAG_LEN);
		assert_int_equal(aead_open(&dec, v->pktid, v->aad, v->aad_len, buf, buf,
					   v->len, tag), 0);
		assert_memory_equal(buf, v->pt, v->len);
		/* out of place: the ciphertext read where it is */
		memset(out, 0, sizeof(out));
		assert_int_equal(aead_open(&dec, v->pktid, v->aad, v->aad_len,
					   v->ct, out, v->len, tag), 0);
		assert_memory_equal(out, v->pt, v->len);
	}
	aead_free(&enc);
	aead_free(&dec);
}

static void test_rfc8439_chacha20_poly1305(void **state)
{
	const struct vector v = {
		DCO_CIPHER_CHACHA20_POLY1305, rfc_key, rfc_tail, rfc_aad,
		(const uint8_t *)rfc_pt, rfc_ct, rfc_tag, sizeof(rfc_aad),
		sizeof(rfc_ct), 0x07000000,
	};

	(void)state;
	assert_int_equal(strlen(rfc_pt), sizeof(rfc_ct));
	check_vector(state, &v);
}

static void test_gcm_spec_case16_aes256(void **state)
{
	const struct vector v = {
		DCO_CIPHER_AES_256_GCM, gcm_key, gcm_tail, gcm_aad, gcm_pt, gcm_ct,
		gcm_tag, sizeof(gcm_aad), sizeof(gcm_pt), 0xcafebabe,
	};

	(void)state;
	check_vector(state, &v);
}

static const enum dco_cipher aeads[] = {
	DCO_CIPHER_AES_128_GCM, DCO_CIPHER_AES_192_GCM, DCO_CIPHER_AES_256_GCM,
	DCO_CIPHER_CHACHA20_POLY1305,
};
#define N_AEADS (sizeof(aeads) / sizeof(aeads[0]))

/* Seal and open in place for each cipher; every flipped bit is caught. */
static void test_seal_open_tamper(void **state)
{
	uint8_t key[32], tail[8], aad[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t buf[300], plain[300], tag[AEAD_TAG_LEN];
	struct aead enc, dec;
	size_t i, len;

	(void)state;
	memset(key, 0x42, sizeof(key));
	memset(tail, 0x17, sizeof(tail));
	for (i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)i;
	for (i = 0; i < N_AEADS; i++) {
		size_t klen = dco_cipher_key_len(aeads[i]);

		assert_int_equal(aead_init_on(state, &enc, aeads[i], key, klen, tail, true), 0);
		assert_int_equal(aead_init_on(state, &dec, aeads[i], key, klen, tail, false), 0);
		for (len = 0; len <= sizeof(buf); len += 37) {
			memcpy(buf, plain, len);
			assert_int_equal(aead_seal(&enc, 9, aad, 8, buf, len, tag), 0);
			if (len >= 16)
				assert_memory_not_equal(buf, plain, 16);
			/* wrong packet-id (IV) */
			assert_int_equal(aead_open(&dec, 10, aad, 8, buf, buf, len, tag), -EBADMSG);
			memcpy(buf, plain, len);
			assert_int_equal(aead_seal(&enc, 9, aad, 8, buf, len, tag), 0);
			aad[3] ^= 0x80;
			assert_int_equal(aead_open(&dec, 9, aad, 8, buf, buf, len, tag), -EBADMSG);
			aad[3] ^= 0x80;
			memcpy(buf, plain, len);
			assert_int_equal(aead_seal(&enc, 9, aad, 8, buf, len, tag), 0);
			tag[15] ^= 1;
			assert_int_equal(aead_open(&dec, 9, aad, 8, buf, buf, len, tag), -EBADMSG);
			tag[15] ^= 1;
			if (len) {
				memcpy(buf, plain, len);
				assert_int_equal(aead_seal(&enc, 9, aad, 8, buf, len, tag), 0);
				buf[len - 1] ^= 4;
				assert_int_equal(aead_open(&dec, 9, aad, 8, buf, buf, len, tag),
						 -EBADMSG);
			}
			memcpy(buf, plain, len);
			assert_int_equal(aead_seal(&enc, 9, aad, 8, buf, len, tag), 0);
			assert_int_equal(aead_open(&dec, 9, aad, 8, buf, buf, len, tag), 0);
			assert_memory_equal(buf, plain, len);
		}
		/* A context opens only what it was made for. */
		assert_int_equal(aead_open(&enc, 9, aad, 8, buf, buf, 8, tag), -EINVAL);
		assert_int_equal(aead_seal(&dec, 9, aad, 8, buf, 8, tag), -EINVAL);
		aead_free(&enc);
		aead_free(&dec);
	}
}

/* Different nonce tails or keys per direction do not interoperate. */
static void test_key_and_tail_matter(void **state)
{
	uint8_t key[32] = { 1 }, tail[8] = { 2 }, other[32] = { 3 }, buf[32] = { 0 };
	uint8_t tag[AEAD_TAG_LEN];
	struct aead enc, dec;

	(void)state;
	assert_int_equal(aead_init_on(state, &enc, DCO_CIPHER_AES_256_GCM, key, 32, tail, true), 0);
	assert_int_equal(aead_seal(&enc, 1, NULL, 0, buf, sizeof(buf), tag), 0);
	assert_int_equal(aead_init_on(state, &dec, DCO_CIPHER_AES_256_GCM, other, 32, tail, false), 0);
	assert_int_equal(aead_open(&dec, 1, NULL, 0, buf, buf, sizeof(buf), tag), -EBADMSG);
	aead_free(&dec);
	assert_int_equal(aead_init_on(state, &dec, DCO_CIPHER_AES_256_GCM, key, 32, other, false), 0);
	assert_int_equal(aead_open(&dec, 1, NULL, 0, buf, buf, sizeof(buf), tag), -EBADMSG);
	aead_free(&dec);
	aead_free(&enc);
}

static void test_init_errors(void **state)
{
	uint8_t key[32] = { 0 }, tail[8] = { 0 }, buf[4] = { 0 }, tag[16];
	struct aead a;

	(void)state;
	assert_int_equal(aead_init_on(state, &a, DCO_CIPHER_NONE, key, 0, tail, true), -EINVAL);
	assert_int_equal(aead_init_on(state, &a, (enum dco_cipher)77, key, 32, tail, true), -EINVAL);
	assert_int_equal(aead_init_on(state, &a, DCO_CIPHER_AES_128_GCM, key, 32, tail, true), -EINVAL);
	assert_int_equal(aead_init_on(state, &a, DCO_CIPHER_AES_256_GCM, key, 16, tail, true), -EINVAL);
	assert_int_equal(aead_init_on(state, &a, DCO_CIPHER_CHACHA20_POLY1305, key, 24, tail, true),
			 -EINVAL);
	/* Failed init leaves a zeroed struct: freeing and using it is safe. */
	assert_int_equal(aead_seal(&a, 1, NULL, 0, buf, sizeof(buf), tag), -EINVAL);
	aead_free(&a);
	aead_free(&a);
	assert_int_equal(aead_init_on(state, &a, DCO_CIPHER_AES_192_GCM, key, 24, tail, false), 0);
	aead_free(&a);
	assert_null(a.ctx);
}

static void test_cipher_names(void **state)
{
	static const struct {
		const char *name;
		enum dco_cipher c;
		size_t key_len;
	} good[] = {
		{ "none", DCO_CIPHER_NONE, 0 },
		{ "NONE", DCO_CIPHER_NONE, 0 },
		{ "AES-128-GCM", DCO_CIPHER_AES_128_GCM, 16 },
		{ "aes-192-gcm", DCO_CIPHER_AES_192_GCM, 24 },
		{ "Aes-256-Gcm", DCO_CIPHER_AES_256_GCM, 32 },
		{ "CHACHA20-POLY1305", DCO_CIPHER_CHACHA20_POLY1305, 32 },
		{ "chacha20-poly1305", DCO_CIPHER_CHACHA20_POLY1305, 32 },
		{ "AES-128-CBC", DCO_CIPHER_AES_128_CBC, 16 },
		{ "aes-256-cbc", DCO_CIPHER_AES_256_CBC, 32 },
	};
	static const char *const bad[] = {
		"", "AES-256-CBC ", "AES-256-GCM ", "AES256GCM", "BF-CBC", "nonee",
		"chacha20", "AES-256-GCM\n",
	};
	enum dco_cipher c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		c = (enum dco_cipher)99;
		assert_int_equal(dco_cipher_from_name(good[i].name, &c), 0);
		assert_int_equal(c, good[i].c);
		assert_int_equal(dco_cipher_key_len(c), good[i].key_len);
		assert_int_equal(strcasecmp(dco_cipher_name(c), good[i].name), 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dco_cipher_from_name(bad[i], &c), -EINVAL);
	assert_int_equal(dco_cipher_from_name(NULL, &c), -EINVAL);
	assert_string_equal(dco_cipher_name(DCO_CIPHER_AES_256_GCM), "AES-256-GCM");
	assert_string_equal(dco_cipher_name(DCO_CIPHER_NONE), "none");
	assert_string_equal(dco_cipher_name((enum dco_cipher)99), "unknown");
	assert_int_equal(dco_cipher_key_len((enum dco_cipher)99), 0);
}

static void test_key_config_wipe(void **state)
{
	struct dco_key_config k;
	const uint8_t *p = (const uint8_t *)&k;
	size_t i;

	(void)state;
	memset(&k, 0xa5, sizeof(k));
	dco_key_config_wipe(&k);
	for (i = 0; i < sizeof(k); i++)
		assert_int_equal(p[i], 0);
}

/* The option's words, and what AUTO picks on this build and CPU. */
static void test_backend_names(void **state)
{
	enum dco_aead_backend b, r;

	(void)state;
	assert_int_equal(dco_aead_backend_from_name("auto", &b), 0);
	assert_int_equal(b, DCO_AEAD_AUTO);
	assert_int_equal(dco_aead_backend_from_name("openssl", &b), 0);
	assert_int_equal(b, DCO_AEAD_OPENSSL);
	assert_int_equal(dco_aead_backend_from_name("ipsec-mb", &b), 0);
	assert_int_equal(b, DCO_AEAD_IPSEC_MB);
	assert_string_equal(dco_aead_backend_name(b), "ipsec-mb");
	assert_int_equal(dco_aead_backend_from_name("IPSec", &b), -EINVAL);
	assert_int_equal(dco_aead_backend_from_name(NULL, &b), -EINVAL);
	assert_int_equal(dco_aead_backend_resolve(DCO_AEAD_OPENSSL, &r), 0);
	assert_int_equal(r, DCO_AEAD_OPENSSL);
	assert_int_equal(dco_aead_backend_resolve(DCO_AEAD_AUTO, &r), 0);
	/* AUTO takes ipsec-mb exactly when asking for it works */
	assert_int_equal(r == DCO_AEAD_IPSEC_MB,
			 dco_aead_backend_resolve(DCO_AEAD_IPSEC_MB, &b) == 0);
}

static enum dco_aead_backend on_openssl = DCO_AEAD_OPENSSL;
static enum dco_aead_backend on_ipsec_mb = DCO_AEAD_IPSEC_MB;

#define ON(b)                                                                   \
	cmocka_unit_test_prestate(test_rfc8439_chacha20_poly1305, &(b)),        \
	cmocka_unit_test_prestate(test_gcm_spec_case16_aes256, &(b)),           \
	cmocka_unit_test_prestate(test_seal_open_tamper, &(b)),                 \
	cmocka_unit_test_prestate(test_key_and_tail_matter, &(b)),              \
	cmocka_unit_test_prestate(test_init_errors, &(b))

int main(void)
{
	const struct CMUnitTest common[] = {
		cmocka_unit_test(test_cipher_names),
		cmocka_unit_test(test_key_config_wipe),
		cmocka_unit_test(test_backend_names),
	};
	const struct CMUnitTest openssl[] = { ON(on_openssl) };
	const struct CMUnitTest ipsec_mb[] = { ON(on_ipsec_mb) };
	enum dco_aead_backend b;
	int failed = cmocka_run_group_tests_name("aead", common, NULL, NULL);

	failed += cmocka_run_group_tests_name("aead-openssl", openssl, NULL, NULL);
	/* Built without the library (IPSEC_MB=0), or a CPU without AES-NI. */
	if (dco_aead_backend_resolve(DCO_AEAD_IPSEC_MB, &b)) {
		print_message("ipsec-mb backend not usable here: not tested\n");
		return failed;
	}
	failed += cmocka_run_group_tests_name("aead-ipsec-mb", ipsec_mb, NULL, NULL);
	return failed;
}
