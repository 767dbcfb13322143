/*
 * Epoch key schedule against OpenVPN 2.7's own known answers
 * (tests/unit_tests/openvpn/test_crypto.c: crypto_test_ovpn_label_expand,
 * epoch_test_derive_data_key) and the epoch numbering.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dco/epoch_kdf.h"

static const uint8_t rfc5869_prk[32] = {
	0x07, 0x77, 0x09, 0x36, 0x2c, 0x2e, 0x32, 0xdf, 0x0d, 0xdc, 0x3f,
	0x0d, 0xc4, 0x7b, 0xba, 0x63, 0x90, 0xb6, 0xc7, 0x3b, 0xb5, 0x0f,
	0x9c, 0x31, 0x22, 0xec, 0x84, 0x4a, 0xd7, 0xc2, 0xb3, 0xe5,
};

/* Expand-Label(prk, "unit test", @len) equals @want. */
static void check_label(const uint8_t *want, size_t len)
{
	struct epoch_kdf k;
	uint8_t out[64];

	assert_int_equal(epoch_kdf_init(&k), 0);
	assert_int_equal(epoch_kdf_expand_label(&k, rfc5869_prk, "unit test",
						out, len), 0);
	assert_memory_equal(out, want, len);
	epoch_kdf_free(&k);
}

/* OpenVPN's crypto_test_ovpn_label_expand (16 bytes), and its HKDF test
 * with its own label: the 27 bytes of crypto_test_hkdf_expand_test_ovpn
 * are Expand-Label(prk, "unit test", 27) (info 00 1b 0e "ovpn unit test"
 * 00). */
static void label_expand_kat(void **state)
{
	static const uint8_t want16[16] = {
		0x18, 0x5e, 0xaa, 0x1c, 0x7f, 0x22, 0x8a, 0xb8,
		0xeb, 0x29, 0x77, 0x32, 0x14, 0xd9, 0x20, 0x46,
	};
	static const uint8_t want27[27] = {
		0x87, 0x5a, 0x8e, 0xec, 0x18, 0x55, 0x63, 0x80, 0xb8,
		0xd9, 0x33, 0xed, 0x32, 0x3c, 0x2d, 0xf8, 0xe8, 0xec,
		0xcf, 0x49, 0x72, 0xe6, 0x83, 0xf0, 0x6a, 0x83, 0xac,
	};

	(void)state;
	check_label(want16, sizeof(want16));
	check_label(want27, sizeof(want27));
}

/* OpenVPN: epoch_test_derive_data_key, E_17 = 19 12 00.., AES-192-GCM. */
static void data_key_kat(void **state)
{
	static const uint8_t want_key[24] = {
		0xed, 0x85, 0x33, 0xdb, 0x1c, 0x28, 0xac, 0xe4,
		0x18, 0xe9, 0x00, 0x6a, 0xb2, 0x9c, 0x17, 0x41,
		0x7d, 0x60, 0xeb, 0xe6, 0xcd, 0x90, 0xbf, 0x0a,
	};
	static const uint8_t want_iv[12] = {
		0x86, 0x89, 0x0a, 0xab, 0xf0, 0x32,
		0xcb, 0x59, 0xf4, 0xcf, 0xa3, 0x4e,
	};
	struct epoch_key e17 = { .epoch = 17, .e = { 19, 12 } };
	struct epoch_data_key dk;
	struct epoch_kdf k;

	(void)state;
	assert_int_equal(epoch_kdf_init(&k), 0);
	assert_int_equal(epoch_kdf_data_key(&k, &e17, DCO_CIPHER_AES_192_GCM,
					    &dk), 0);
	assert_int_equal(dk.epoch, 17);
	assert_memory_equal(dk.key, want_key, sizeof(want_key));
	assert_memory_equal(dk.iv, want_iv, sizeof(want_iv));
	assert_int_equal(epoch_kdf_data_key(&k, &e17, DCO_CIPHER_NONE, &dk),
			 -EINVAL);
	epoch_kdf_free(&k);
}

/* E_n+1 = Expand-Label(E_n, "datakey upd", 32); the last epoch stops. */
static void next_epoch(void **state)
{
	struct epoch_key ek = { .epoch = 1, .e = { 0x23 } };
	uint8_t want[32];
	struct epoch_kdf k;

	(void)state;
	assert_int_equal(epoch_kdf_init(&k), 0);
	assert_int_equal(epoch_kdf_expand_label(&k, ek.e, "datakey upd", want,
						sizeof(want)), 0);
	assert_int_equal(epoch_kdf_next(&k, &ek), 0);
	assert_int_equal(ek.epoch, 2);
	assert_memory_equal(ek.e, want, sizeof(want));
	ek.epoch = UINT16_MAX;
	assert_int_equal(epoch_kdf_next(&k, &ek), -ERANGE);
	assert_int_equal(ek.epoch, UINT16_MAX);
	epoch_kdf_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(label_expand_kat),
		cmocka_unit_test(data_key_kat),
		cmocka_unit_test(next_epoch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
