/*
 * libFuzzer target: OpenVPN 2.7 epoch-format data packets opened by an
 * epoch key slot (src/dco/epoch.c through keyslot.c). Every result must be
 * one of the documented errors, a plaintext inside the packet (before its
 * tag), and no forgery may move the receive epoch.
 *
 * Input: byte 0 picks the mode and the cipher (bit 0: AES-256-GCM or
 * ChaCha20-Poly1305). Bit 7 clear, raw: the rest is the packet, opened by a
 * slot whose peer E_1 is 32 bytes of 0x5a. Bit 7 set, sealed: byte 1 is an
 * epoch (1..40: the sender moves on after every packet up to it), bytes
 * 2-3 a position, byte 4 an XOR mask, the rest a plaintext, sealed, altered
 * there, then opened: it must open exactly when it was not altered and its
 * epoch is within the receiver's window of 16.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dco/keyslot.h"
#include "proto/datapkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PT 2048u

static void slot_init(struct keyslot *ks, enum dco_cipher c, uint8_t send,
		      uint8_t recv, uint64_t limit)
{
	struct dco_key_config cfg = { .slot = DCO_KEY_PRIMARY, .cipher = c,
				      .epoch = true, .epoch_limit = limit };

	memset(cfg.encrypt.key, send, sizeof(cfg.encrypt.key));
	memset(cfg.decrypt.key, recv, sizeof(cfg.decrypt.key));
	if (keyslot_init(ks, &cfg, 64, 15, DCO_AEAD_AUTO) != 0)
		abort();
}

/* Open @size bytes from an exactly sized buffer; check what came out. */
static int open_checked(struct keyslot *ks, const uint8_t *pkt, size_t size)
{
	uint8_t *mem = malloc(PKT_HEADROOM + size + 1);
	struct pkt p = { 0 };
	uint16_t before = ks->epoch->cur.epoch;
	int err;

	if (!mem)
		abort();
	p.base = mem;
	p.cap = (uint32_t)(PKT_HEADROOM + size);
	pkt_reset(&p);
	memcpy(p.data, pkt, size);
	p.len = (uint32_t)size;
	err = keyslot_decrypt(ks, &p, 1000);
	if (err == 0 &&
	    (p.len == 0 || p.data != mem + PKT_HEADROOM + DATAPKT_EPOCH_AAD_LEN ||
	     p.len + DATAPKT_EPOCH_AAD_LEN + DATAPKT_TAG_LEN != size))
		abort();
	if (err && err != -EINVAL && err != -EBADMSG && err != -EALREADY &&
	    err != -ENOKEY)
		abort();
	/* only an authentic packet moves the receive epoch */
	if (err == -EBADMSG && ks->epoch->cur.epoch != before)
		abort();
	free(mem);
	return err;
}

static void sealed(enum dco_cipher c, const uint8_t *data, size_t size)
{
	struct keyslot tx, rx;
	uint8_t mem[PKT_HEADROOM + MAX_PT + 64];
	struct pkt p = { .base = mem, .cap = sizeof(mem) };
	unsigned epoch = data[1] % 40 + 1, pos = data[2] << 8 | data[3];
	size_t len = size - 5;
	int err;

	if (len == 0 || len > MAX_PT)
		return;
	slot_init(&tx, c, 0x5a, 0x11, 1);
	slot_init(&rx, c, 0x11, 0x5a, 0);
	for (unsigned e = 1; e <= epoch; e++) {
		pkt_reset(&p);
		memcpy(p.data, data + 5, len);
		p.len = (uint32_t)len;
		if (keyslot_encrypt(&tx, 0, &p, 7, false))
			abort();
	}
	pos %= p.len;
	p.data[pos] ^= data[4];
	err = open_checked(&rx, p.data, p.len);
	if (data[4] == 0 && epoch <= 1 + 16 ? err != 0 : err == 0)
		abort();
	keyslot_clear(&tx);
	keyslot_clear(&rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum dco_cipher c;
	struct keyslot ks;

	if (size < 1)
		return 0;
	c = data[0] & 1 ? DCO_CIPHER_CHACHA20_POLY1305 : DCO_CIPHER_AES_256_GCM;
	if (data[0] & 0x80) {
		if (size > 5)
			sealed(c, data, size);
		return 0;
	}
	slot_init(&ks, c, 0x11, 0x5a, 0);
	open_checked(&ks, data + 1, size - 1);
	keyslot_clear(&ks);
	return 0;
}
