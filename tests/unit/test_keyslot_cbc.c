/*
 * Key slots of the legacy CBC + HMAC ciphers (keyslot_cbc.c): exact wire
 * bytes against an independent computation, round trips at every padding
 * length, and every way a packet is refused (tampered, replayed, cut,
 * misaligned, wrong key).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dco/keyslot.h"
#include "keyslot_pair.h"
#include "testbuf.h"
#include "proto/datapkt_cbc.h"

/* tests/vectors/datapkt_cbc_kat.py (pyca/cryptography 48): cipher key
 * 00..1f (its first 16/24 bytes for AES-128/192), HMAC key 40..7f, IV
 * b0..bf, key-id 5, peer-id 0x123456, packet-id 1, plaintext kat_pt. */

static const uint8_t kat_aes256_sha256_v2[100] = {
	0x4d, 0x12, 0x34, 0x56, 0x6b, 0x55, 0xb0, 0xbc, 0x9c, 0xe0, 0x1d, 0x97,
	0xc7, 0x47, 0x12, 0x5e, 0xa3, 0x54, 0xe0, 0x33, 0x15, 0x1b, 0xfe, 0x67,
	0xb6, 0x3f, 0xcf, 0x2a, 0x89, 0x7a, 0x74, 0x6b, 0xc1, 0xc9, 0x0a, 0xf7,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb,
	0xbc, 0xbd, 0xbe, 0xbf, 0xba, 0x8b, 0x8e, 0x43, 0x4e, 0x07, 0xe3, 0xd4,
	0x5b, 0x9d, 0x14, 0x1d, 0x3a, 0x45, 0x0c, 0x81, 0x73, 0xf5, 0xaa, 0x30,
	0x1c, 0x56, 0x2f, 0xde, 0x88, 0xfe, 0x05, 0x32, 0x3a, 0x5c, 0x47, 0xed,
	0x97, 0xac, 0x6c, 0x76, 0xc3, 0x3f, 0x45, 0x8e, 0x91, 0x8b, 0x88, 0xa2,
	0x93, 0xea, 0x56, 0x37,
};
static const uint8_t kat_aes128_sha1_v1[85] = {
	0x35, 0xdf, 0xda, 0x73, 0x4e, 0xa8, 0x24, 0x9e, 0x31, 0x97, 0x90, 0x11,
	0x28, 0xb9, 0xc7, 0x1d, 0x77, 0x38, 0x69, 0xb0, 0x6a, 0xb0, 0xb1, 0xb2,
	0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe,
	0xbf, 0xbe, 0x63, 0x4b, 0xf1, 0x32, 0xa5, 0x1d, 0x41, 0x7b, 0xcf, 0x9d,
	0xad, 0xa4, 0x78, 0xd5, 0x45, 0x9e, 0x89, 0xc9, 0xbe, 0xbf, 0x94, 0x97,
	0x1b, 0x4f, 0x29, 0xa2, 0x95, 0xe9, 0xc0, 0xbb, 0x94, 0x67, 0xbc, 0x5e,
	0x57, 0xda, 0x73, 0xee, 0xe7, 0xa3, 0xac, 0x7c, 0x09, 0x19, 0xec, 0x4d,
	0x23,
};
static const uint8_t kat_aes192_sha512_v2[132] = {
	0x4d, 0x12, 0x34, 0x56, 0x3b, 0x82, 0xb6, 0x15, 0x79, 0x21, 0x90, 0x37,
	0x29, 0xec, 0xf2, 0x97, 0x01, 0x9e, 0xa9, 0xa5, 0x50, 0xaf, 0xc5, 0x7d,
	0x5c, 0xb6, 0x31, 0xef, 0x2b, 0x97, 0x47, 0xa8, 0xa4, 0x46, 0xb0, 0xea,
	0xa7, 0x9b, 0x03, 0xdb, 0xfc, 0x07, 0x2e, 0xd6, 0x07, 0xd4, 0x2e, 0xd1,
	0xbc, 0xcb, 0xb5, 0x1a, 0xce, 0x31, 0x35, 0x90, 0xec, 0x81, 0xc2, 0x60,
	0x57, 0x1a, 0x30, 0x27, 0xe7, 0x5f, 0x77, 0x21, 0xb0, 0xb1, 0xb2, 0xb3,
	0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	0xc8, 0x7c, 0x6b, 0x06, 0xfc, 0x1c, 0x41, 0x08, 0x16, 0xb7, 0xb4, 0x5e,
	0x35, 0xab, 0x09, 0xbd, 0xf7, 0x99, 0x87, 0x85, 0xbd, 0x0a, 0x9d, 0x4b,
	0x04, 0xee, 0x93, 0x9f, 0xb1, 0x92, 0x0c, 0xc8, 0x84, 0x21, 0x2e, 0x1a,
	0x80, 0x3e, 0x0b, 0xaf, 0xdf, 0xe2, 0xfb, 0xdc, 0x52, 0xcb, 0xb3, 0x1c,
};
/* static key mode: no header, packet-id 1 with time 0x5f000000 */
static const uint8_t kat_static_aes256_sha1[84] = {
	0xe0, 0x23, 0xfe, 0xfb, 0x8f, 0xf1, 0xc8, 0xc6, 0x0a, 0x79, 0xe9, 0x38,
	0xd2, 0x4e, 0x22, 0xa5, 0x07, 0x95, 0x0d, 0xa5, 0xb0, 0xb1, 0xb2, 0xb3,
	0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	0xad, 0xee, 0x55, 0xcb, 0xd2, 0x3c, 0x26, 0xa7, 0x7e, 0x8a, 0x77, 0xfc,
	0xc2, 0x4e, 0x35, 0xc7, 0x14, 0x60, 0x45, 0x04, 0x6f, 0xf6, 0x95, 0x1a,
	0x64, 0xc4, 0x25, 0x17, 0x88, 0x3c, 0x23, 0xa1, 0x28, 0x74, 0xf2, 0xc3,
	0x89, 0x69, 0x51, 0x41, 0xc1, 0x35, 0x18, 0x31, 0x7c, 0x38, 0xd5, 0x1c,
};
#define KAT_TIME 0x5f000000u

static const enum dco_cipher cbc_ciphers[] = {
	DCO_CIPHER_AES_128_CBC, DCO_CIPHER_AES_192_CBC, DCO_CIPHER_AES_256_CBC,
};
static const enum dco_auth auths[] = {
	DCO_AUTH_SHA1, DCO_AUTH_SHA224, DCO_AUTH_SHA256, DCO_AUTH_SHA384,
	DCO_AUTH_SHA512,
};

/* Both ends of one direction (keyslot_pair.h) with the known answers'
 * keys. */
static void pair_init_fmt(struct pair *pr, enum dco_cipher c, enum dco_auth a,
			  bool static_key)
{
	struct dco_key_config cfg = { .slot = DCO_KEY_PRIMARY,
				      .key_id = KAT_KEY_ID, .cipher = c,
				      .auth = a, .static_key = static_key };

	for (unsigned i = 0; i < DCO_KEY_MAX; i++)
		cfg.encrypt.key[i] = (uint8_t)i;
	for (unsigned i = 0; i < DCO_HMAC_KEY_MAX; i++)
		cfg.encrypt.hmac_key[i] = (uint8_t)(0x40 + i);
	pair_init_cfg(pr, &cfg, DCO_AEAD_AUTO);
}

static void pair_init(struct pair *pr, enum dco_cipher c, enum dco_auth a)
{
	pair_init_fmt(pr, c, a, false);
}

static void check_kat(enum dco_cipher c, enum dco_auth a, bool v1,
		      const uint8_t *want, size_t want_len)
{
	static const uint8_t iv[CBC_IV_LEN] = {
		0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
		0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	};
	struct buf b, r;
	struct pair pr;
	struct pkt *p;

	pair_init(&pr, c, a);
	p = buf_fill(&b, kat_pt, KAT_PT_LEN);
	assert_int_equal(keyslot_cbc_seal(&pr.tx, 0, p, KAT_PEER_ID, v1, iv), 0);
	assert_int_equal(p->len, want_len);
	assert_memory_equal(p->data, want, want_len);
	/* and the other way: the reference packet opens to the plaintext */
	pair_open_kat(&pr, buf_fill(&r, want, want_len));
	pair_clear(&pr);
}

static void test_kat(void **state)
{
	(void)state;
	check_kat(DCO_CIPHER_AES_256_CBC, DCO_AUTH_SHA256, false,
		  kat_aes256_sha256_v2, sizeof(kat_aes256_sha256_v2));
	check_kat(DCO_CIPHER_AES_128_CBC, DCO_AUTH_SHA1, true,
		  kat_aes128_sha1_v1, sizeof(kat_aes128_sha1_v1));
	check_kat(DCO_CIPHER_AES_192_CBC, DCO_AUTH_SHA512, false,
		  kat_aes192_sha512_v2, sizeof(kat_aes192_sha512_v2));
}

/* Every cipher and HMAC, lengths across the padding boundaries. */
static void test_round_trip(void **state)
{
	static const size_t lens[] = { 1, 11, 12, 13, 27, 28, 29, 100, 1400, 4000 };
	uint8_t pt[4000];
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(pt); i++)
		pt[i] = (uint8_t)(i * 7 + 3);
	for (size_t c = 0; c < 3; c++) {
		for (size_t a = 0; a < 5; a++) {
			struct pair pr;

			pair_init(&pr, cbc_ciphers[c], auths[a]);
			for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
				struct pkt *p = buf_fill(&b, pt, lens[l]);
				size_t want = DATAPKT_V2_HDR_LEN + dco_auth_len(auths[a]) +
					      CBC_IV_LEN +
					      (lens[l] + 4 + 16) / 16 * 16;

				assert_int_equal(keyslot_encrypt(&pr.tx, 1, p, 7, false), 0);
				assert_int_equal(p->len, want);
				assert_int_equal(keyslot_decrypt(&pr.rx, p, NOW), 0);
				assert_int_equal(p->len, lens[l]);
				assert_memory_equal(p->data, pt, lens[l]);
			}
			pair_clear(&pr);
		}
	}
}

/* Set up @pr and seal the known-answer plaintext into @wire (200 bytes);
 * returns its length. */
static size_t seal_wire(struct pair *pr, enum dco_cipher c, enum dco_auth a,
			uint8_t *wire)
{
	struct buf b;
	struct pkt *p;

	pair_init(pr, c, a);
	p = buf_fill(&b, kat_pt, KAT_PT_LEN);
	assert_int_equal(keyslot_encrypt(&pr->tx, 0, p, KAT_PEER_ID, false), 0);
	assert_true(p->len <= 200);
	memcpy(wire, p->data, p->len);
	return p->len;
}

/* Random IVs: the same plaintext is a different packet each time, across
 * the batches the IVs are drawn in (cbc.h), and each opens. */
static void test_iv_random(void **state)
{
	enum { N = 3 * CBC_IV_BATCH + 5 };
	static uint8_t ivs[N][CBC_IV_LEN];
	struct buf b;
	struct pair pr;

	(void)state;
	pair_init(&pr, DCO_CIPHER_AES_256_CBC, DCO_AUTH_SHA1);
	for (unsigned i = 0; i < N; i++) {
		struct pkt *p = buf_fill(&b, kat_pt, KAT_PT_LEN);

		assert_int_equal(keyslot_encrypt(&pr.tx, 1, p, 1, false), 0);
		memcpy(ivs[i], p->data + 4 + 20, CBC_IV_LEN);
		for (unsigned j = 0; j < i; j++)
			assert_memory_not_equal(ivs[i], ivs[j], CBC_IV_LEN);
		assert_int_equal(keyslot_decrypt(&pr.rx, p, NOW), 0);
	}
	pair_clear(&pr);
}

/*
 * Any flipped bit in HMAC, IV or ciphertext fails authentication; the
 * header is not authenticated in this format, but a flipped key-id no
 * longer names this key. Nothing moved the replay window: the genuine
 * packet still opens afterwards.
 */
static void test_tampered(void **state)
{
	struct buf t;
	struct pair pr;
	struct pkt *p;
	uint8_t wire[200];
	size_t n;

	(void)state;
	n = seal_wire(&pr, DCO_CIPHER_AES_256_CBC, DCO_AUTH_SHA256, wire);
	for (size_t i = DATAPKT_V2_HDR_LEN; i < n; i++) {
		p = buf_fill(&t, wire, n);
		p->data[i] ^= 0x01;
		assert_int_equal(keyslot_decrypt(&pr.rx, p, NOW), -EBADMSG);
	}
	p = buf_fill(&t, wire, n);
	p->data[0] ^= 0x01; /* key-id 5 -> 4 */
	assert_int_equal(keyslot_decrypt(&pr.rx, p, NOW), -EINVAL);
	p = buf_fill(&t, wire, n);
	assert_int_equal(keyslot_decrypt(&pr.rx, p, NOW), 0);
	/* the same packet again is a replay */
	p = buf_fill(&t, wire, n);
	assert_int_equal(keyslot_decrypt(&pr.rx, p, NOW), -EALREADY);
	pair_clear(&pr);
}

/* Cut or misaligned packets and a wrong key never open, never crash. */
static void test_malformed(void **state)
{
	struct buf t;
	struct pair pr, other;
	struct pkt *p;
	uint8_t wire[200];
	size_t n;

	(void)state;
	n = seal_wire(&pr, DCO_CIPHER_AES_128_CBC, DCO_AUTH_SHA1, wire);
	for (size_t len = 1; len < n; len++) {
		int err;

		p = buf_fill(&t, wire, len);
		err = keyslot_decrypt(&pr.rx, p, NOW);
		assert_true(err == -EINVAL || err == -EBADMSG);
	}
	/* keys of another pair (other HMAC key) */
	pair_init(&other, DCO_CIPHER_AES_128_CBC, DCO_AUTH_SHA1);
	keyslot_clear(&other.rx);
	{
		struct dco_key_config cfg = { .key_id = KAT_KEY_ID,
					      .cipher = DCO_CIPHER_AES_128_CBC };

		memset(&cfg.decrypt, 0x11, sizeof(cfg.decrypt));
		assert_int_equal(keyslot_init(&other.rx, &cfg, 64, 15,
					      DCO_AEAD_AUTO), 0);
	}
	p = buf_fill(&t, wire, n);
	assert_int_equal(keyslot_decrypt(&other.rx, p, NOW), -EBADMSG);
	pair_clear(&other);
	pair_clear(&pr);
}

/* A datagram still in the receive train (pkt.h: src) opens the same. */
static void test_from_train(void **state)
{
	struct pair pr;
	uint8_t train[200];
	size_t n;

	(void)state;
	n = seal_wire(&pr, DCO_CIPHER_AES_256_CBC, DCO_AUTH_SHA512, train);
	pair_open_kat_in_place(&pr, train, n);
	pair_clear(&pr);
}

/* Short headroom or tailroom is refused before anything is written. */
static void test_no_room(void **state)
{
	struct buf b;
	struct pair pr;
	struct pkt *p;

	(void)state;
	pair_init(&pr, DCO_CIPHER_AES_256_CBC, DCO_AUTH_SHA512);
	p = buf_fill(&b, kat_pt, KAT_PT_LEN);
	p->data = b.mem + 40;
	assert_int_equal(keyslot_encrypt(&pr.tx, 0, p, 3, false), -ENOSPC);
	p = buf_fill(&b, kat_pt, KAT_PT_LEN);
	p->cap = (uint32_t)(PKT_HEADROOM + KAT_PT_LEN + 8);
	assert_int_equal(keyslot_encrypt(&pr.tx, 0, p, 3, false), -ENOSPC);
	pair_clear(&pr);
}

/* Open @wire (@n bytes) with @ks: keyslot_decrypt's result. */
static int open_copy(struct keyslot *ks, const uint8_t *wire, size_t n)
{
	struct buf t;

	return keyslot_decrypt(ks, buf_fill(&t, wire, n), NOW);
}

/*
 * Static key mode: no header, long packet-ids: the known answer both ways;
 * replays refused; a later time (the peer restarted, ids from 1 again)
 * accepted, an earlier one refused from then on.
 */
static void test_static_key(void **state)
{
	static const uint8_t iv[CBC_IV_LEN] = {
		0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
		0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	};
	uint8_t old[200], fresh[200];
	struct buf b;
	struct pair pr;
	struct pkt *p;
	size_t n_old, n_fresh;

	(void)state;
	pair_init_fmt(&pr, DCO_CIPHER_AES_256_CBC, DCO_AUTH_SHA1, true);
	atomic_store(&pr.tx.static_tx, (uint64_t)KAT_TIME << 32);
	p = buf_fill(&b, kat_pt, KAT_PT_LEN);
	assert_int_equal(keyslot_cbc_seal(&pr.tx, 0, p, KAT_PEER_ID, false, iv), 0);
	assert_int_equal(p->len, sizeof(kat_static_aes256_sha1));
	assert_memory_equal(p->data, kat_static_aes256_sha1, p->len);
	n_old = p->len;
	memcpy(old, p->data, n_old);
	assert_int_equal(open_copy(&pr.rx, old, n_old), 0);
	assert_int_equal(open_copy(&pr.rx, old, n_old), -EALREADY);
	/* the sender restarts a second later: ids from 1 again */
	atomic_store(&pr.tx.static_tx, (uint64_t)(KAT_TIME + 1) << 32);
	p = buf_fill(&b, kat_pt, KAT_PT_LEN);
	assert_int_equal(keyslot_encrypt(&pr.tx, 0, p, 0, false), 0);
	n_fresh = p->len;
	memcpy(fresh, p->data, n_fresh);
	assert_int_equal(open_copy(&pr.rx, fresh, n_fresh), 0);
	assert_int_equal(open_copy(&pr.rx, fresh, n_fresh), -EALREADY);
	assert_int_equal(open_copy(&pr.rx, old, n_old), -EALREADY);
	/* the ids wrap: the time moves on, ids from 1, still accepted */
	atomic_store(&pr.tx.static_tx, (uint64_t)(KAT_TIME + 1) << 32 | UINT32_MAX);
	p = buf_fill(&b, kat_pt, KAT_PT_LEN);
	assert_int_equal(keyslot_encrypt(&pr.tx, 0, p, 0, false), 0);
	assert_int_equal(atomic_load(&pr.tx.static_tx),
			 (uint64_t)(KAT_TIME + 2) << 32 | 1);
	assert_false(keyslot_near_wrap(&pr.tx));
	assert_int_equal(keyslot_decrypt(&pr.rx, p, NOW), 0);
	/* tampered: refused before the replay window is looked at */
	fresh[30] ^= 4;
	assert_int_equal(open_copy(&pr.rx, fresh, n_fresh), -EBADMSG);
	pair_clear(&pr);
}

/* Names and sizes as OpenVPN spells them. */
static void test_names(void **state)
{
	enum dco_cipher c;
	enum dco_auth a;

	(void)state;
	assert_int_equal(dco_cipher_from_name("aes-256-cbc", &c), 0);
	assert_int_equal(c, DCO_CIPHER_AES_256_CBC);
	assert_true(dco_cipher_is_cbc(c));
	assert_false(dco_cipher_is_cbc(DCO_CIPHER_AES_256_GCM));
	assert_int_equal(dco_cipher_key_len(DCO_CIPHER_AES_192_CBC), 24);
	assert_int_equal(dco_cipher_from_name("BF-CBC", &c), -EINVAL);
	assert_int_equal(dco_auth_from_name("sha256", &a), 0);
	assert_int_equal(a, DCO_AUTH_SHA256);
	assert_int_equal(dco_auth_len(a), 32);
	assert_string_equal(dco_auth_name(DCO_AUTH_SHA1), "SHA1");
	assert_int_equal(dco_auth_from_name("none", &a), -EINVAL);
	assert_int_equal(dco_auth_from_name("MD5", &a), -EINVAL);
	assert_int_equal(dco_auth_from_name(NULL, &a), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kat),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_iv_random),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_from_train),
		cmocka_unit_test(test_no_room),
		cmocka_unit_test(test_static_key),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
