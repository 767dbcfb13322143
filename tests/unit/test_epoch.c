/*
 * Epoch data keys through the key slot (keyslot.h with cfg.epoch): exact
 * wire bytes against packets computed independently
 * (tests/vectors/epoch_kat.py, pyca/cryptography), rotation at the usage
 * limit with the receiver following, the window of future epochs as
 * OpenVPN 2.7's tests have it, and every way a packet is refused.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dco/keyslot.h"
#include "proto/datapkt.h"
#include "testbuf.h"

#define NOW 1000000u
#define KEY_ID 5u
#define PEER_ID 0x123456u

static const char kat_pt[] = "dcovpn known-answer plaintext!!\n";
#define KAT_PT_LEN 32u

/* E_1 = 00 01 .. 1f */
static uint8_t e1[32];

static const uint8_t kat_aes256_e1c1[60] = {
	0x4d, 0x12, 0x34, 0x56, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x8c, 0x85, 0x13, 0x31, 0x40, 0x56, 0x13, 0x5b, 0xfb, 0x20, 0x3f, 0x6c,
	0x28, 0xdb, 0xb9, 0xcc, 0x8e, 0x19, 0x84, 0x63, 0xc7, 0x62, 0x63, 0x43,
	0xd7, 0x7f, 0x23, 0x94, 0xf3, 0x17, 0xe8, 0x39, 0xa4, 0x0c, 0xfa, 0x40,
	0x45, 0x1a, 0x8a, 0x85, 0xdf, 0xba, 0x3b, 0x08, 0xb4, 0xd7, 0xa1, 0x77,
};
static const uint8_t kat_aes128_e3c2[60] = {
	0x4d, 0x12, 0x34, 0x56, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x32, 0x21, 0x29, 0xab, 0x9a, 0xfc, 0xa8, 0x99, 0x5e, 0x4f, 0x0e, 0x21,
	0x34, 0x3b, 0x3e, 0xc2, 0xbd, 0x27, 0x67, 0x19, 0x07, 0x0e, 0x0f, 0x78,
	0x67, 0x4b, 0x89, 0xf7, 0x57, 0x71, 0xd4, 0x07, 0xa2, 0x63, 0x03, 0x88,
	0xdb, 0x4e, 0xda, 0xe7, 0x2d, 0x87, 0x9e, 0xf6, 0x8c, 0xf4, 0x82, 0xdc,
};
static const uint8_t kat_chacha_e1c1[60] = {
	0x4d, 0x12, 0x34, 0x56, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xc5, 0x52, 0xbd, 0x8c, 0x3f, 0x6b, 0x8f, 0x93, 0x24, 0xe1, 0x7f, 0xac,
	0xeb, 0x42, 0xc4, 0x22, 0x00, 0xa8, 0x28, 0x97, 0xc3, 0x93, 0xa5, 0x11,
	0x28, 0xab, 0xbc, 0xed, 0xc3, 0x24, 0xf1, 0xe6, 0x49, 0x31, 0xb7, 0x10,
	0x73, 0x71, 0xe4, 0x8e, 0xef, 0xaa, 0xa8, 0x37, 0xd3, 0xb6, 0x94, 0x5f,
};

/* A key slot sending with E_1 @send and receiving with E_1 @recv. */
static void slot_init(struct keyslot *ks, enum dco_cipher c, uint8_t send,
		      uint8_t recv, uint64_t limit)
{
	struct dco_key_config cfg = { .slot = DCO_KEY_PRIMARY, .key_id = KEY_ID,
				      .cipher = c, .epoch = true,
				      .epoch_limit = limit };

	memset(cfg.encrypt.key, send, sizeof(cfg.encrypt.key));
	memset(cfg.decrypt.key, recv, sizeof(cfg.decrypt.key));
	if (send == 0)
		memcpy(cfg.encrypt.key, e1, sizeof(e1));
	if (recv == 0)
		memcpy(cfg.decrypt.key, e1, sizeof(e1));
	assert_int_equal(keyslot_init(ks, &cfg, 64, 15, DCO_AEAD_AUTO), 0);
	dco_key_config_wipe(&cfg);
}

/* Seal @len bytes of @fill into @b on encrypting thread @thread. */
static int seal_on(struct keyslot *ks, unsigned thread, struct buf *b,
		   uint8_t fill, size_t len)
{
	uint8_t pt[1500];

	memset(pt, fill, len);
	return keyslot_encrypt(ks, thread, buf_fill(b, pt, len), PEER_ID, false);
}

/* Seal @len bytes of @fill into @b; 0 or the error. */
static int seal(struct keyslot *ks, struct buf *b, uint8_t fill, size_t len)
{
	return seal_on(ks, 0, b, fill, len);
}

/* Open a copy of @sealed (left as it was, for replays); 0 or the error. */
static int open_copy(struct keyslot *ks, const struct pkt *sealed)
{
	struct buf rx;

	return keyslot_decrypt(ks, buf_fill(&rx, sealed->data, sealed->len), NOW);
}

static void check_seal_kat(enum dco_cipher c, const uint8_t *want)
{
	struct keyslot ks;
	struct buf b;
	struct pkt *p;

	slot_init(&ks, c, 0, 0x55, 0);
	p = buf_fill(&b, kat_pt, KAT_PT_LEN);
	assert_int_equal(keyslot_encrypt(&ks, 0, p, PEER_ID, false), 0);
	assert_int_equal(p->len, 60);
	assert_memory_equal(p->data, want, 60);
	/* in place: header in front of the payload, tag behind it */
	assert_ptr_equal(p->data + DATAPKT_EPOCH_AAD_LEN, b.mem + PKT_HEADROOM);
	/* the epoch format has no V1 */
	p = buf_fill(&b, kat_pt, KAT_PT_LEN);
	assert_int_equal(keyslot_encrypt(&ks, 0, p, PEER_ID, true), -EINVAL);
	keyslot_clear(&ks);
}

static void seal_kat(void **state)
{
	(void)state;
	check_seal_kat(DCO_CIPHER_AES_256_GCM, kat_aes256_e1c1);
	check_seal_kat(DCO_CIPHER_CHACHA20_POLY1305, kat_chacha_e1c1);
}

/* A peer's packet of epoch 3 (a future one) opens, becomes the receive
 * epoch and pulls our send epoch along, as 2.7 does. */
static void open_future_kat(void **state)
{
	struct keyslot ks;
	struct buf b;
	struct pkt *p;

	(void)state;
	slot_init(&ks, DCO_CIPHER_AES_128_GCM, 0x55, 0, 0);
	assert_int_equal(epoch_tx_epoch(ks.epoch), 1);
	p = buf_fill(&b, kat_aes128_e3c2, sizeof(kat_aes128_e3c2));
	assert_int_equal(keyslot_decrypt(&ks, p, NOW), 0);
	assert_int_equal(p->len, KAT_PT_LEN);
	assert_memory_equal(p->data, kat_pt, KAT_PT_LEN);
	assert_int_equal(ks.epoch->cur.epoch, 3);
	assert_int_equal(ks.epoch->old.epoch, 1);
	assert_int_equal(epoch_tx_epoch(ks.epoch), 3);
	p = buf_fill(&b, kat_aes128_e3c2, sizeof(kat_aes128_e3c2));
	assert_int_equal(keyslot_decrypt(&ks, p, NOW), -EALREADY);
	/* the same bytes as received from a GRO train (pkt.h src) */
	keyslot_clear(&ks);
	slot_init(&ks, DCO_CIPHER_AES_128_GCM, 0x55, 0, 0);
	p = buf_fill(&b, kat_aes128_e3c2, PKT_SRC_HEAD);
	p->len = sizeof(kat_aes128_e3c2);
	p->src = kat_aes128_e3c2;
	assert_int_equal(keyslot_decrypt(&ks, p, NOW), 0);
	assert_memory_equal(p->data, kat_pt, KAT_PT_LEN);
	keyslot_clear(&ks);
}

/* Limit 1: every packet is its epoch's last, so packet n has epoch n. */
static void rotation_follows(void **state)
{
	struct keyslot a, b;
	struct buf pk[20];

	(void)state;
	slot_init(&a, DCO_CIPHER_AES_256_GCM, 0x11, 0x22, 1);
	slot_init(&b, DCO_CIPHER_AES_256_GCM, 0x22, 0x11, 0);
	for (unsigned i = 0; i < 20; i++) {
		assert_int_equal(seal(&a, &pk[i], (uint8_t)i, 100), 0);
		assert_int_equal(load_be16(pk[i].pkt.data + 4), i + 1);
		/* the counter starts again at 1 in each epoch */
		assert_int_equal(load_be32(pk[i].pkt.data + 8), 1);
	}
	for (unsigned i = 0; i < 20; i++)
		assert_int_equal(open_copy(&b, &pk[i].pkt), 0);
	assert_int_equal(b.epoch->cur.epoch, 20);
	assert_int_equal(epoch_tx_epoch(b.epoch), 20);
	/* the retiring epoch is kept for late packets, nothing older */
	assert_int_equal(open_copy(&b, &pk[18].pkt), -EALREADY);
	assert_int_equal(open_copy(&b, &pk[17].pkt), -ENOKEY);
	/* b answers in epoch 20, beyond a's window of 16 (a never heard
	 * from b): refused, as 2.7 would */
	assert_int_equal(seal(&b, &pk[0], 0xee, 60), 0);
	assert_int_equal(load_be16(pk[0].pkt.data + 4), 20);
	assert_int_equal(open_copy(&a, &pk[0].pkt), -ENOKEY);
	keyslot_clear(&a);
	keyslot_clear(&b);
	/* within the window a follows b's send epoch at once */
	slot_init(&a, DCO_CIPHER_AES_256_GCM, 0x11, 0x22, 1);
	slot_init(&b, DCO_CIPHER_AES_256_GCM, 0x22, 0x11, 0);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(seal(&a, &pk[i], (uint8_t)i, 100), 0);
		assert_int_equal(open_copy(&b, &pk[i].pkt), 0);
	}
	assert_int_equal(seal(&b, &pk[0], 0xee, 60), 0);
	assert_int_equal(load_be16(pk[0].pkt.data + 4), 5);
	assert_int_equal(open_copy(&a, &pk[0].pkt), 0);
	assert_int_equal(a.epoch->cur.epoch, 5);
	keyslot_clear(&a);
	keyslot_clear(&b);
}

/* The usage limit counts blocks + packets: 2.7's 2^36 - 1 scaled down. */
static void rotation_at_limit(void **state)
{
	struct keyslot a, b;
	struct buf pk;
	unsigned epoch2_at = 0;

	(void)state;
	/* 1400 bytes: 88 blocks (with the packet-id) + 1 = 89 per packet */
	slot_init(&a, DCO_CIPHER_AES_128_GCM, 0x11, 0x22, 890);
	slot_init(&b, DCO_CIPHER_AES_128_GCM, 0x22, 0x11, 0);
	for (unsigned i = 1; i <= 35; i++) {
		assert_int_equal(seal(&a, &pk, (uint8_t)i, 1400), 0);
		assert_int_equal(open_copy(&b, &pk.pkt), 0);
		if (!epoch2_at && load_be16(pk.pkt.data + 4) == 2)
			epoch2_at = i;
	}
	/* ten packets reach 890: the eleventh goes out in epoch 2 */
	assert_int_equal(epoch2_at, 11);
	assert_int_equal(load_be16(pk.pkt.data + 4), 4);
	assert_int_equal(b.epoch->cur.epoch, 4);
	keyslot_clear(&a);
	keyslot_clear(&b);
}

/* OpenVPN 2.7's window (test_crypto.c epoch_key_receive_lookup with 16
 * future keys): at epoch 1, epochs 2..17 are taken, 18 is not. */
static void future_window(void **state)
{
	struct keyslot a, b;
	static struct buf pk[20];

	(void)state;
	slot_init(&a, DCO_CIPHER_AES_256_GCM, 0x11, 0x22, 1);
	for (unsigned i = 0; i < 18; i++)
		assert_int_equal(seal(&a, &pk[i], (uint8_t)i, 64), 0);
	slot_init(&b, DCO_CIPHER_AES_256_GCM, 0x22, 0x11, 0);
	assert_int_equal(open_copy(&b, &pk[17].pkt), -ENOKEY);   /* epoch 18 */
	assert_int_equal(b.epoch->cur.epoch, 1);
	assert_int_equal(open_copy(&b, &pk[16].pkt), 0);         /* epoch 17 */
	assert_int_equal(b.epoch->cur.epoch, 17);
	assert_int_equal(open_copy(&b, &pk[17].pkt), 0);         /* now near */
	/* epoch 1 is two behind now: gone */
	assert_int_equal(open_copy(&b, &pk[0].pkt), -ENOKEY);
	keyslot_clear(&a);
	keyslot_clear(&b);
}

/* Forgeries, short and malformed packets: refused, nothing moves. */
static void hostile(void **state)
{
	struct keyslot a, b;
	struct buf pk, rx;
	struct pkt *p;

	(void)state;
	slot_init(&a, DCO_CIPHER_AES_256_GCM, 0x11, 0x22, 1);
	slot_init(&b, DCO_CIPHER_AES_256_GCM, 0x22, 0x11, 0);
	assert_int_equal(seal(&a, &pk, 1, 64), 0);
	assert_int_equal(seal(&a, &pk, 2, 64), 0);       /* epoch 2 */
	/* a future epoch with a bad tag: no promotion */
	p = buf_fill(&rx, pk.pkt.data, pk.pkt.len);
	p->data[p->len - 1] ^= 1;
	assert_int_equal(keyslot_decrypt(&b, p, NOW), -EBADMSG);
	assert_int_equal(b.epoch->cur.epoch, 1);
	assert_int_equal(epoch_tx_epoch(b.epoch), 1);
	/* a changed header (AAD) */
	p = buf_fill(&rx, pk.pkt.data, pk.pkt.len);
	p->data[3] ^= 1;
	assert_int_equal(keyslot_decrypt(&b, p, NOW), -EBADMSG);
	/* epoch 0, and an epoch far ahead */
	p = buf_fill(&rx, pk.pkt.data, pk.pkt.len);
	store_be16(p->data + 4, 0);
	assert_int_equal(keyslot_decrypt(&b, p, NOW), -EINVAL);
	p = buf_fill(&rx, pk.pkt.data, pk.pkt.len);
	store_be16(p->data + 4, 0xffff);
	assert_int_equal(keyslot_decrypt(&b, p, NOW), -ENOKEY);
	/* too short for header + tag + one byte */
	p = buf_fill(&rx, pk.pkt.data, DATAPKT_EPOCH_AAD_LEN + AEAD_TAG_LEN);
	assert_int_equal(keyslot_decrypt(&b, p, NOW), -EINVAL);
	/* V1 opcode with the epoch key */
	p = buf_fill(&rx, pk.pkt.data, pk.pkt.len);
	p->data[0] = opcode_byte(P_DATA_V1, KEY_ID);
	assert_int_equal(keyslot_decrypt(&b, p, NOW), -EINVAL);
	/* the real one still opens */
	assert_int_equal(open_copy(&b, &pk.pkt), 0);
	assert_int_equal(b.epoch->cur.epoch, 2);
	keyslot_clear(&a);
	keyslot_clear(&b);
}

/* Two threads seal with one slot while the epoch moves on every ~80
 * packets: no packet-id (so no IV) is used twice, and every packet was
 * sealed with its own epoch's key (a receiver opens them all in id
 * order). */
#define RACE_N 3000u

struct race {
	struct keyslot *ks;
	unsigned thread;
	struct buf *pk;
};

static void *race_sender(void *arg)
{
	struct race *r = arg;

	for (unsigned i = 0; i < RACE_N; i++)
		if (seal_on(r->ks, r->thread, &r->pk[i], (uint8_t)i, 64))
			return (void *)1;
	return NULL;
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t x = load_be64((*(struct buf *const *)a)->pkt.data + 4);
	uint64_t y = load_be64((*(struct buf *const *)b)->pkt.data + 4);

	return (x > y) - (x < y);
}

static void concurrent_rotation(void **state)
{
	struct buf *pk = calloc(2 * RACE_N, sizeof(*pk)), **order;
	struct race races[2];
	struct keyslot a, b;
	pthread_t th[2];
	void *ret;

	(void)state;
	order = calloc(2 * RACE_N, sizeof(*order));
	assert_non_null(pk);
	assert_non_null(order);
	/* 64 bytes: 5 blocks + 1 per packet, limit 500: ~84 per epoch */
	slot_init(&a, DCO_CIPHER_AES_256_GCM, 0x11, 0x22, 500);
	slot_init(&b, DCO_CIPHER_AES_256_GCM, 0x22, 0x11, 0);
	for (unsigned t = 0; t < 2; t++) {
		races[t] = (struct race){ &a, t, pk + t * RACE_N };
		assert_int_equal(pthread_create(&th[t], NULL, race_sender,
						&races[t]), 0);
	}
	for (unsigned t = 0; t < 2; t++) {
		assert_int_equal(pthread_join(th[t], &ret), 0);
		assert_null(ret);
	}
	for (unsigned i = 0; i < 2 * RACE_N; i++)
		order[i] = &pk[i];
	qsort(order, 2 * RACE_N, sizeof(*order), cmp_id);
	for (unsigned i = 0; i < 2 * RACE_N; i++) {
		if (i)
			assert_true(cmp_id(&order[i - 1], &order[i]) < 0);
		assert_int_equal(open_copy(&b, &order[i]->pkt), 0);
	}
	assert_true(epoch_tx_epoch(a.epoch) > 50);
	assert_int_equal(b.epoch->cur.epoch, epoch_tx_epoch(a.epoch));
	keyslot_clear(&a);
	keyslot_clear(&b);
	free(order);
	free(pk);
}

/* Near the end of the 16-bit epoch the control plane is told. */
static void near_wrap(void **state)
{
	struct keyslot a;

	(void)state;
	slot_init(&a, DCO_CIPHER_AES_256_GCM, 0x11, 0x22, 0);
	assert_false(keyslot_near_wrap(&a));
	atomic_store(&a.epoch->tx_last, datapkt_epoch_id(EPOCH_RENEG_AT, 5));
	assert_true(keyslot_near_wrap(&a));
	keyslot_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seal_kat),
		cmocka_unit_test(open_future_kat),
		cmocka_unit_test(rotation_follows),
		cmocka_unit_test(rotation_at_limit),
		cmocka_unit_test(future_window),
		cmocka_unit_test(hostile),
		cmocka_unit_test(near_wrap),
		cmocka_unit_test(concurrent_rotation),
	};

	for (unsigned i = 0; i < sizeof(e1); i++)
		e1[i] = (uint8_t)i;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
