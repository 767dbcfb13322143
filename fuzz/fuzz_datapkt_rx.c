/*
 * libFuzzer target: arbitrary bytes as a received data packet, opened by a
 * key slot of each cipher (fixed key, key-id 0). Every result must be one of
 * the documented errors or a plaintext that lies inside the packet.
 *
 * Input: byte 0 picks the mode. Below 0x80 it is raw: the rest is the packet,
 * opened by the slot of cipher byte0 (or every cipher if byte0 >= 8; 5-7
 * are the CBC + HMAC-SHA1 ones); the key (and the CBC ciphers' HMAC key)
 * is 32 bytes of 0x5a, nonce tail 8 of 0xa5, key-id 0, so fuzz/corpus
 * seeds can be real packets (tests/vectors/fuzz_seeds.py). From
 * 0x80 on it is sealed: bits 0-2 cipher, bit 3 V1; bytes 1-2 a position and
 * byte 3 an XOR mask; the rest is a plaintext, sealed by the matching sending
 * slot, altered at the position, then opened: it must open exactly when it
 * was not altered (any cipher but "none"; with CBC, whose header is not
 * authenticated, an altered peer-id still opens).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dco/keyslot.h"
#include "proto/datapkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum dco_cipher ciphers[] = {
	DCO_CIPHER_NONE, DCO_CIPHER_AES_128_GCM, DCO_CIPHER_AES_192_GCM,
	DCO_CIPHER_AES_256_GCM, DCO_CIPHER_CHACHA20_POLY1305,
	DCO_CIPHER_AES_128_CBC, DCO_CIPHER_AES_192_CBC, DCO_CIPHER_AES_256_CBC,
};
#define N_CIPHERS (sizeof(ciphers) / sizeof(ciphers[0]))

static void slot_init(struct keyslot *ks, enum dco_cipher c)
{
	struct dco_key_config cfg = { .slot = DCO_KEY_PRIMARY, .cipher = c };

	memset(cfg.decrypt.key, 0x5a, sizeof(cfg.decrypt.key));
	memset(cfg.decrypt.nonce_tail, 0xa5, sizeof(cfg.decrypt.nonce_tail));
	memset(cfg.decrypt.hmac_key, 0x5a, sizeof(cfg.decrypt.hmac_key));
	cfg.encrypt = cfg.decrypt;
	if (keyslot_init(ks, &cfg, 64, 15, DCO_AEAD_AUTO) != 0)
		abort();
}

static void open_one(enum dco_cipher c, const uint8_t *data, size_t size)
{
	struct keyslot ks;
	struct pkt p = { 0 };
	uint8_t *mem;
	int err;

	slot_init(&ks, c);
	/* Exactly sized, so the sanitizer sees any read past the packet. */
	mem = malloc(PKT_HEADROOM + size + 1);
	if (!mem)
		abort();
	p.base = mem;
	p.cap = (uint32_t)(PKT_HEADROOM + size);
	pkt_reset(&p);
	memcpy(p.data, data, size);
	p.len = (uint32_t)size;
	err = keyslot_decrypt(&ks, &p, 1000);
	if (err == 0) {
		/* The plaintext is the tail of the packet (CBC: before the
		 * padding), never outside it. */
		if (p.len == 0 || p.data < mem + PKT_HEADROOM ||
		    p.data + p.len > mem + PKT_HEADROOM + size ||
		    (!dco_cipher_is_cbc(c) &&
		     p.data + p.len != mem + PKT_HEADROOM + size))
			abort();
		/* The same packet again is a replay. */
		pkt_reset(&p);
		memcpy(p.data, data, size);
		p.len = (uint32_t)size;
		if (keyslot_decrypt(&ks, &p, 1000) != -EALREADY)
			abort();
	} else if (err != -EINVAL && err != -EBADMSG && err != -EALREADY) {
		abort();
	}
	free(mem);
	keyslot_clear(&ks);
}

static void seal_alter_open(uint8_t mode, const uint8_t *data, size_t size)
{
	enum dco_cipher c = ciphers[(mode & 7) % N_CIPHERS];
	uint8_t mem[PKT_HEADROOM + 4096];
	struct keyslot tx, rx;
	struct pkt p = { .base = mem, .cap = sizeof(mem) };
	size_t pos;
	uint8_t mask;
	int err;

	if (size < 4)
		return;
	pos = (size_t)data[0] << 8 | data[1];
	mask = data[2];
	slot_init(&tx, c);
	slot_init(&rx, c);
	pkt_reset(&p);
	memcpy(p.data, data + 3, size - 3);
	p.len = (uint32_t)(size - 3);
	if (keyslot_encrypt(&tx, 0, &p, 0x010203, mode & 8) != 0)
		abort();
	pos %= p.len;
	p.data[pos] ^= mask;
	err = keyslot_decrypt(&rx, &p, 1000);
	if (mask == 0 && err != 0)
		abort();
	if (mask != 0 && c != DCO_CIPHER_NONE && err == 0 &&
	    !(dco_cipher_is_cbc(c) && pos > 0 && pos < DATAPKT_V2_HDR_LEN &&
	      !(mode & 8)))
		abort();
	/* Unaltered, the plaintext is back where it was put ("none" accepts
	 * altered packets, parsed however the altered header says). */
	if (mask == 0 && (p.len != size - 3 || p.data != mem + PKT_HEADROOM ||
			  memcmp(p.data, data + 3, size - 3) != 0))
		abort();
	keyslot_clear(&tx);
	keyslot_clear(&rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	if (size < 1 || size > 4096)
		return 0;
	if (data[0] >= 0x80) {
		seal_alter_open(data[0], data + 1, size - 1);
		return 0;
	}
	if (data[0] < N_CIPHERS) {
		open_one(ciphers[data[0]], data + 1, size - 1);
		return 0;
	}
	for (i = 0; i < N_CIPHERS; i++)
		open_one(ciphers[i], data + 1, size - 1);
	return 0;
}
