/*
 * Key slots: compose and open data packets in place (keyslot.h, datapkt.h).
 *
 * Encryption pushes packet-id, tag and header into the headroom in front of
 * the plaintext; decryption pulls them off again. The payload never moves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "dco/keyslot.h"
#include "proto/datapkt.h"
#include "proto/opcode.h"

#define V2_AAD_LEN (DATAPKT_V2_HDR_LEN + DATAPKT_PKTID_LEN)

int keyslot_init(struct keyslot *ks, const struct dco_key_config *cfg,
		 uint32_t replay_window, uint32_t replay_secs,
		 enum dco_aead_backend backend)
{
	return keyslot_init_n(ks, cfg, replay_window, replay_secs, backend,
			      KEYSLOT_THREADS);
}

int keyslot_init_n(struct keyslot *ks, const struct dco_key_config *cfg,
		   uint32_t replay_window, uint32_t replay_secs,
		   enum dco_aead_backend backend, unsigned threads)
{
	size_t key_len = dco_cipher_key_len(cfg->cipher);
	int err;

	*ks = (struct keyslot){ 0 };
	if (cfg->key_id > P_KEY_ID_MASK || threads < 1 ||
	    threads > KEYSLOT_THREADS)
		return -EINVAL;
	ks->n_threads = threads;
	if (cfg->epoch) {
		/* 2.7 has epoch keys for AEAD ciphers only */
		if (dco_cipher_is_cbc(cfg->cipher))
			return -EINVAL;
		err = epoch_init(&ks->epoch, cfg->cipher, backend, cfg->epoch_limit,
				 threads, cfg->encrypt.key,
				 cfg->decrypt.key, replay_window, replay_secs);
		if (err)
			return err;
		goto done;
	}
	if (dco_cipher_is_cbc(cfg->cipher)) {
		err = keyslot_cbc_init(ks, cfg);
		if (err)
			goto err_clear;
	}
	if (cfg->cipher != DCO_CIPHER_NONE && !dco_cipher_is_cbc(cfg->cipher)) {
		ks->enc = calloc(ks->n_threads, sizeof(*ks->enc));
		if (!ks->enc) {
			err = -ENOMEM;
			goto err_clear;
		}
	}
	for (unsigned t = 0; ks->enc && t < ks->n_threads; t++) {
		err = aead_init(&ks->enc[t], backend, cfg->cipher, cfg->encrypt.key,
				key_len, cfg->encrypt.nonce_tail, true);
		if (err)
			goto err_clear;
	}
	if (cfg->cipher != DCO_CIPHER_NONE && !dco_cipher_is_cbc(cfg->cipher)) {
		err = aead_init(&ks->dec, backend, cfg->cipher, cfg->decrypt.key, key_len,
				cfg->decrypt.nonce_tail, false);
		if (err)
			goto err_clear;
	}
	err = pktid_window_init(&ks->replay, replay_window, replay_secs);
	if (err)
		goto err_clear;
done:
	ks->key_id = cfg->key_id;
	ks->cipher = cfg->cipher;
	ks->in_use = true;
	return 0;

err_clear:
	keyslot_clear(ks);
	return err;
}

void keyslot_clear(struct keyslot *ks)
{
	for (unsigned t = 0; ks->enc && t < ks->n_threads; t++)
		aead_free(&ks->enc[t]);
	free(ks->enc);
	aead_free(&ks->dec);
	keyslot_cbc_clear(ks);
	pktid_window_free(&ks->replay);
	epoch_free(ks->epoch);
	mem_wipe(ks, sizeof(*ks));
}

static size_t tag_len(const struct keyslot *ks)
{
	return ks->cipher == DCO_CIPHER_NONE ? 0 : DATAPKT_TAG_LEN;
}

int keyslot_encrypt(struct keyslot *ks, unsigned thread, struct pkt *p,
		    uint32_t peer_id, bool v1)
{
	size_t hdr_len = v1 ? DATAPKT_V1_HDR_LEN : DATAPKT_V2_HDR_LEN;
	size_t tlen = tag_len(ks);
	uint8_t *payload = p->data, *pid, *hdr;
	size_t len = p->len;
	uint32_t id;
	int err;

	if (!ks->in_use || len == 0 || peer_id > DCO_PEER_ID_NONE ||
	    thread >= ks->n_threads)
		return -EINVAL;
	if (dco_cipher_is_cbc(ks->cipher))
		return keyslot_cbc_encrypt(ks, thread, p, peer_id, v1);
	if (ks->epoch)
		return v1 ? -EINVAL :
			    epoch_encrypt(ks->epoch, thread, p, ks->key_id, peer_id);
	if (pkt_headroom(p) < hdr_len + DATAPKT_PKTID_LEN + tlen)
		return -ENOSPC;
	id = pktid_tx_next(&ks->tx_id);
	if (id == 0)
		return -ERANGE;

	pkt_push(p, tlen);
	pid = pkt_push(p, DATAPKT_PKTID_LEN);
	hdr = pkt_push(p, hdr_len);
	if (v1)
		hdr[0] = opcode_byte(P_DATA_V1, ks->key_id);
	else
		datapkt_put_v2_hdr(hdr, ks->key_id, peer_id);
	store_be32(pid, id);
	if (!tlen)
		return 0;
	/* V2 authenticates its header too; V1 only the packet-id. */
	err = aead_seal(&ks->enc[thread], id, v1 ? pid : hdr,
			v1 ? DATAPKT_PKTID_LEN : V2_AAD_LEN, payload, len,
			pid + DATAPKT_PKTID_LEN);
	return err ? -EIO : 0;
}

int keyslot_decrypt(struct keyslot *ks, struct pkt *p, uint64_t now_ms)
{
	uint8_t *hdr = p->data, *pid, *payload;
	const uint8_t *in;
	size_t hdr_len, tlen = tag_len(ks), len;
	uint32_t id;
	int err;

	if (ks->in_use && ks->static_key)
		return keyslot_cbc_decrypt(ks, p, 0, now_ms);
	if (!ks->in_use || p->len < 1 || !opcode_is_data(hdr[0]) ||
	    opcode_key_id(hdr[0]) != ks->key_id)
		return -EINVAL;
	if (ks->epoch)
		return epoch_decrypt(ks->epoch, p, now_ms);
	hdr_len = datapkt_hdr_len(hdr[0]);
	if (dco_cipher_is_cbc(ks->cipher))
		return keyslot_cbc_decrypt(ks, p, hdr_len, now_ms);
	/* At least one payload byte: nobody sends empty data packets. */
	if (p->len < hdr_len + DATAPKT_PKTID_LEN + tlen + 1)
		return -EINVAL;
	pid = hdr + hdr_len;
	payload = pid + DATAPKT_PKTID_LEN + tlen;
	len = p->len - hdr_len - DATAPKT_PKTID_LEN - tlen;
	/* the ciphertext where it is: in place, or still in the receive
	 * buffer (pkt.h: src) */
	in = p->src ? p->src + (payload - hdr) : payload;
	id = load_be32(pid);
	if (tlen) {
		bool v1 = hdr_len == DATAPKT_V1_HDR_LEN;

		err = aead_open(&ks->dec, id, v1 ? pid : hdr,
				v1 ? DATAPKT_PKTID_LEN : V2_AAD_LEN, in, payload,
				len, pid + DATAPKT_PKTID_LEN);
		if (err)
			return err;
	} else if (p->src) {
		memcpy(payload, in, len);
	}
	p->src = NULL;
	/* Only now, with the packet authentic, may it move the window. */
	if (pktid_accept(&ks->replay, id, now_ms) != PKTID_OK)
		return -EALREADY;
	pkt_pull(p, hdr_len + DATAPKT_PKTID_LEN + tlen);
	return 0;
}

bool keyslot_near_wrap(const struct keyslot *ks)
{
	if (ks->epoch)
		return epoch_near_wrap(ks->epoch);
	return atomic_load_explicit(&ks->tx_id.last, memory_order_relaxed) >=
	       PKTID_WRAP_TRIGGER;
}
