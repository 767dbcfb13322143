/*
 * Key slots of the legacy ciphers: compose and open OpenVPN's CBC + HMAC
 * data packets in place (proto/datapkt_cbc.h). Beside the AEAD path, not in
 * it: keyslot.c hands a slot over here when its cipher is a CBC one.
 *
 * Encryption pushes the packet-id in front of the plaintext, encrypts both
 * in place (the padding grows the packet by up to one block at its end),
 * then pushes IV, HMAC and header into the headroom. Decryption checks the
 * HMAC first (encrypt-then-MAC: nothing unauthenticated is decrypted), then
 * decrypts in place (or out of the receive train, pkt.h: src).
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "dco/keyslot.h"
#include "proto/datapkt_cbc.h"
#include "proto/opcode.h"

/* TCP framing (2) goes in front of the largest header too. */
static_assert(PKT_HEADROOM >= 2 + DATAPKT_CBC_HEAD_MAX,
	      "packet headroom too small for the CBC format");
static_assert(DATAPKT_CBC_IV_LEN == CBC_IV_LEN, "one IV length");

int keyslot_cbc_init(struct keyslot *ks, const struct dco_key_config *cfg)
{
	int err;

	ks->static_key = cfg->static_key;
	/* long-form ids carry the sender's start time, as OpenVPN's */
	atomic_store(&ks->static_tx, (uint64_t)(uint32_t)time(NULL) << 32);
	ks->cbc_enc = calloc(ks->n_threads, sizeof(*ks->cbc_enc));
	if (!ks->cbc_enc)
		return -ENOMEM;
	for (unsigned t = 0; t < ks->n_threads; t++) {
		err = cbc_init(&ks->cbc_enc[t], cfg->cipher, cfg->auth,
			       cfg->encrypt.key, cfg->encrypt.hmac_key, true);
		if (err)
			return err;
	}
	return cbc_init(&ks->cbc_dec, cfg->cipher, cfg->auth, cfg->decrypt.key,
			cfg->decrypt.hmac_key, false);
}

void keyslot_cbc_clear(struct keyslot *ks)
{
	for (unsigned t = 0; ks->cbc_enc && t < ks->n_threads; t++)
		cbc_free(&ks->cbc_enc[t]);
	free(ks->cbc_enc);
	ks->cbc_enc = NULL;
	cbc_free(&ks->cbc_dec);
}

static size_t hdr_len_of(const struct keyslot *ks, bool v1)
{
	if (ks->static_key)
		return 0;
	return v1 ? DATAPKT_V1_HDR_LEN : DATAPKT_V2_HDR_LEN;
}

static size_t pid_len_of(const struct keyslot *ks)
{
	return ks->static_key ? DATAPKT_CBC_LONG_PKTID_LEN : DATAPKT_PKTID_LEN;
}

static void put_header(struct keyslot *ks, struct pkt *p, uint32_t peer_id,
		       bool v1)
{
	uint8_t *hdr;

	if (ks->static_key)
		return;
	hdr = pkt_push(p, v1 ? DATAPKT_V1_HDR_LEN : DATAPKT_V2_HDR_LEN);
	if (v1)
		hdr[0] = opcode_byte(P_DATA_V1, ks->key_id);
	else
		datapkt_put_v2_hdr(hdr, ks->key_id, peer_id);
}

int keyslot_cbc_seal(struct keyslot *ks, unsigned thread, struct pkt *p,
		     uint32_t peer_id, bool v1, const uint8_t iv[CBC_IV_LEN])
{
	struct cbc *c;
	size_t pid_len = pid_len_of(ks);
	size_t ct_len;
	uint8_t *ivp, *mac, *pid;
	uint32_t id;

	if (!ks->cbc_enc || thread >= ks->n_threads)
		return -EINVAL;
	c = &ks->cbc_enc[thread];

	if (pkt_headroom(p) < hdr_len_of(ks, v1) + c->mac_len + CBC_IV_LEN + pid_len ||
	    pkt_tailroom(p) < DATAPKT_CBC_TAIL_MAX)
		return -ENOSPC;
	pid = pkt_push(p, pid_len);
	if (ks->static_key) {
		uint64_t v;

		do	/* id 0 is never valid: skip it after a carry */
			v = atomic_fetch_add(&ks->static_tx, 1) + 1;
		while ((uint32_t)v == 0);
		store_be32(pid, (uint32_t)v);
		store_be32(pid + DATAPKT_PKTID_LEN, (uint32_t)(v >> 32));
	} else {
		id = pktid_tx_next(&ks->tx_id);
		if (id == 0) {
			pkt_pull(p, pid_len);
			return -ERANGE;
		}
		store_be32(pid, id);
	}
	if (cbc_encrypt(c, iv, p->data, p->len, &ct_len))
		return -EIO;
	p->len = (uint32_t)ct_len;
	ivp = pkt_push(p, CBC_IV_LEN);
	memcpy(ivp, iv, CBC_IV_LEN);
	mac = pkt_push(p, c->mac_len);
	if (cbc_mac(c, ivp, CBC_IV_LEN + ct_len, mac))
		return -EIO;
	put_header(ks, p, peer_id, v1);
	return 0;
}

int keyslot_cbc_encrypt(struct keyslot *ks, unsigned thread, struct pkt *p,
			uint32_t peer_id, bool v1)
{
	uint8_t iv[CBC_IV_LEN];

	/* CBC needs an unpredictable IV: fresh random bytes per packet, as
	 * OpenVPN's (prng_bytes), drawn in batches (cbc.h) */
	if (!ks->cbc_enc || thread >= ks->n_threads ||
	    cbc_next_iv(&ks->cbc_enc[thread], iv))
		return -EIO;
	return keyslot_cbc_seal(ks, thread, p, peer_id, v1, iv);
}

/*
 * The replay check of an authentic packet-id at @pid. Long form (static
 * key) as OpenVPN's packet_id_test/add: ids count within one time value;
 * a later time starts a new series (the peer restarted), an earlier one
 * is refused.
 */
static bool replay_ok(struct keyslot *ks, const uint8_t *pid, uint64_t now_ms)
{
	if (ks->static_key) {
		uint32_t t = load_be32(pid + DATAPKT_PKTID_LEN);

		if (t < ks->rx_time)
			return false;
		if (t > ks->rx_time) {
			pktid_window_reset(&ks->replay);
			ks->rx_time = t;
		}
	}
	return pktid_accept(&ks->replay, load_be32(pid), now_ms) == PKTID_OK;
}

int keyslot_cbc_decrypt(struct keyslot *ks, struct pkt *p, size_t hdr_len,
			uint64_t now_ms)
{
	struct cbc *c = &ks->cbc_dec;
	/* the whole packet: in place, or still in the receive train */
	const uint8_t *in = p->src ? p->src : p->data;
	size_t head = hdr_len + c->mac_len + CBC_IV_LEN, pt_len;
	uint8_t *pt = p->data + head;
	int err;

	if (p->len < head + CBC_BLOCK || (p->len - head) % CBC_BLOCK)
		return -EINVAL;
	err = cbc_mac_verify(c, in + hdr_len + c->mac_len,
			     p->len - hdr_len - c->mac_len, in + hdr_len);
	if (!err)
		err = cbc_decrypt(c, in + head - CBC_IV_LEN, in + head, pt,
				  p->len - head, &pt_len);
	p->src = NULL;
	if (err)
		return err;
	/* at least one payload byte after the packet-id */
	if (pt_len <= pid_len_of(ks))
		return -EINVAL;
	/* Only now, with the packet authentic, may it move the window. */
	if (!replay_ok(ks, pt, now_ms))
		return -EALREADY;
	pkt_pull(p, head + pid_len_of(ks));
	p->len = (uint32_t)(pt_len - pid_len_of(ks));
	return 0;
}
