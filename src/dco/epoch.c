/*
 * Epoch data keys of a key slot (epoch.h): packet-ids, rotation, the
 * receive window of future keys, and sealing/opening the epoch format
 * (proto/datapkt.h) in place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "dco/epoch.h"
#include "proto/datapkt.h"
#include "proto/opcode.h"

#define BLOCK 16u
/* Rotate well before the 48-bit counter could carry into the epoch bits,
 * even with every thread racing past the end at once. */
#define CTR_SPENT (DATAPKT_EPOCH_CTR_MAX - (1ull << 32))
/* 2.7 refuses a key after 2^36 failed verifications and moves on at half. */
#define FAILS_REFUSE (1ull << 36)
#define FAILS_WARN (1ull << 35)
#define HDR_LEN DATAPKT_EPOCH_AAD_LEN

/* What one packet counts against the usage limit, as 2.7 counts it:
 * blocks of packet-id + ciphertext, plus the packet itself. */
static uint64_t usage(size_t len)
{
	return (len + DATAPKT_EPOCH_PKTID_LEN + BLOCK - 1) / BLOCK + 1;
}

/* IV = (64-bit packet-id || 4 zero bytes) XOR the epoch's implicit IV. */
static void make_iv(const uint8_t impl[EPOCH_IV_LEN], uint64_t id,
		    uint8_t iv[AEAD_IV_LEN])
{
	store_be64(iv, load_be64(impl) ^ id);
	memcpy(iv + DATAPKT_EPOCH_PKTID_LEN, impl + DATAPKT_EPOCH_PKTID_LEN,
	       EPOCH_IV_LEN - DATAPKT_EPOCH_PKTID_LEN);
}

/* (Re)key an AEAD context with a data key; the nonce tail is unused. */
static int aead_key(struct epoch *ep, struct aead *a,
		    const struct epoch_data_key *dk, bool encrypt)
{
	static const uint8_t no_tail[DCO_NONCE_TAIL_LEN];

	aead_free(a);
	return aead_init(a, ep->backend, ep->cipher, dk->key,
			 dco_cipher_key_len(ep->cipher), no_tail, encrypt);
}

/* ---- send ------------------------------------------------------------- */

/* Move the send epoch on to @to (no-op if it is there already). */
static int tx_advance(struct epoch *ep, unsigned to)
{
	int err = 0;

	pthread_mutex_lock(&ep->tx_lock);
	while (!err && ep->tx_key.epoch < to)
		err = epoch_kdf_next(&ep->tx_kdf, &ep->tx_key);
	if (ep->tx_data.epoch != ep->tx_key.epoch) {
		int derr = epoch_kdf_data_key(&ep->tx_kdf, &ep->tx_key,
					      ep->cipher, &ep->tx_data);

		if (!derr) {
			atomic_store(&ep->tx_used, 0);
			atomic_store(&ep->tx_last,
				     datapkt_epoch_id(ep->tx_key.epoch, 0));
		}
		err = err ? err : derr;
	}
	pthread_mutex_unlock(&ep->tx_lock);
	return err;
}

/* The next packet-id for @len bytes; moves the epoch on when the current
 * one is spent. */
static int tx_next_id(struct epoch *ep, size_t len, uint64_t *id)
{
	for (unsigned tries = 0; tries < 8; tries++) {
		uint64_t v = atomic_fetch_add_explicit(&ep->tx_last, 1,
						       memory_order_relaxed) + 1;
		uint16_t e = datapkt_epoch_of(v);
		bool ctr_spent = datapkt_epoch_counter(v) >= CTR_SPENT;
		bool over = false;

		/* as 2.7: the key is spent once what it sealed reached the
		 * limit, so every epoch seals at least one packet */
		if (ep->limit && !ctr_spent)
			over = atomic_fetch_add_explicit(&ep->tx_used, usage(len),
							 memory_order_relaxed) >=
			       ep->limit;
		/* At the last epoch 2.7 keeps going to the counter's end. */
		if (!ctr_spent && (!over || e == UINT16_MAX)) {
			*id = v;
			return 0;
		}
		if (e == UINT16_MAX)
			return -ERANGE;
		tx_advance(ep, e + 1u);
	}
	return -EAGAIN;
}

/* Key this thread's context for epoch @e; -EAGAIN if the send key moved
 * past @e meanwhile (take a new id). */
static int tx_ctx_for(struct epoch *ep, struct epoch_tx_ctx *t, uint16_t e)
{
	int err = -EAGAIN;

	if (t->epoch == e)
		return 0;
	pthread_mutex_lock(&ep->tx_lock);
	if (ep->tx_data.epoch == e) {
		err = aead_key(ep, &t->aead, &ep->tx_data, true);
		memcpy(t->iv, ep->tx_data.iv, EPOCH_IV_LEN);
		t->epoch = err ? 0 : e;
	}
	pthread_mutex_unlock(&ep->tx_lock);
	return err;
}

int epoch_encrypt(struct epoch *ep, unsigned thread, struct pkt *p,
		  uint8_t key_id, uint32_t peer_id)
{
	uint8_t *payload = p->data, *hdr, iv[AEAD_IV_LEN];
	size_t len = p->len;
	struct epoch_tx_ctx *t;
	uint64_t id = 0;
	int err = -EAGAIN;

	if (!ep || thread >= ep->n_tx || len == 0 || peer_id > DCO_PEER_ID_NONE)
		return -EINVAL;
	if (pkt_headroom(p) < HDR_LEN || pkt_tailroom(p) < AEAD_TAG_LEN)
		return -ENOSPC;
	t = &ep->tx[thread];
	for (unsigned tries = 0; err == -EAGAIN && tries < 4; tries++) {
		err = tx_next_id(ep, len, &id);
		if (!err)
			err = tx_ctx_for(ep, t, datapkt_epoch_of(id));
	}
	if (err)
		return err == -EAGAIN ? -EIO : err;
	hdr = pkt_push(p, HDR_LEN);
	datapkt_put_v2_hdr(hdr, key_id, peer_id);
	store_be64(hdr + DATAPKT_V2_HDR_LEN, id);
	make_iv(t->iv, id, iv);
	err = aead_seal_iv(&t->aead, iv, hdr, HDR_LEN, payload, len,
			   payload + len);
	p->len += AEAD_TAG_LEN;
	return err ? -EIO : 0;
}

uint16_t epoch_tx_epoch(const struct epoch *ep)
{
	return datapkt_epoch_of(atomic_load(&((struct epoch *)ep)->tx_last));
}

bool epoch_near_wrap(const struct epoch *ep)
{
	return epoch_tx_epoch(ep) >= EPOCH_RENEG_AT;
}

/* ---- receive ----------------------------------------------------------- */

/* Derive the data keys of the epochs after the current one, up to
 * EPOCH_FUTURE ahead (the slots of passed epochs are reused). */
static int rx_fill_future(struct epoch *ep)
{
	unsigned upto = ep->cur.epoch + EPOCH_FUTURE;
	int err = 0;

	if (upto > UINT16_MAX)
		upto = UINT16_MAX;
	while (!err && ep->rx_key.epoch < upto) {
		err = epoch_kdf_next(&ep->rx_kdf, &ep->rx_key);
		if (!err)
			err = epoch_kdf_data_key(
				&ep->rx_kdf, &ep->rx_key, ep->cipher,
				&ep->future[ep->rx_key.epoch % EPOCH_FUTURE]);
	}
	return err;
}

/* The receive key for epoch @e: current, retiring, or a future one keyed
 * into the probe context; NULL for any other epoch. */
static struct epoch_rx_key *rx_lookup(struct epoch *ep, uint16_t e)
{
	const struct epoch_data_key *dk = &ep->future[e % EPOCH_FUTURE];

	if (e == ep->cur.epoch)
		return &ep->cur;
	if (e && e == ep->old.epoch)
		return &ep->old;
	/* 2.7 stops taking future epochs whose window would pass 65535 */
	if (e <= ep->cur.epoch || e > ep->cur.epoch + EPOCH_FUTURE ||
	    e > UINT16_MAX - EPOCH_FUTURE - 1)
		return NULL;
	/* derived when first needed, not at set-up: most key slots never
	 * leave epoch 1, and a server sets one up per handshake */
	if (dk->epoch != e && rx_fill_future(ep))
		return NULL;
	if (dk->epoch != e)
		return NULL;
	if (ep->probe.epoch != e) {
		ep->probe.epoch = 0;
		if (aead_key(ep, &ep->probe.aead, dk, false))
			return NULL;
		memcpy(ep->probe.iv, dk->iv, EPOCH_IV_LEN);
		ep->probe.epoch = e;
	}
	return &ep->probe;
}

/* A future epoch authenticated: it becomes current, the current one
 * retires, and the send key follows if it is behind (2.7's
 * epoch_replace_update_recv_key). */
static struct epoch_rx_key *rx_promote(struct epoch *ep)
{
	struct epoch_rx_key spare = ep->old;

	ep->old = ep->cur;
	ep->cur = ep->probe;
	ep->probe = spare;
	ep->probe.epoch = 0;
	ep->probe.used = 0;
	ep->probe.fails = 0;
	pktid_window_reset(&ep->cur.replay);
	rx_fill_future(ep);
	if (epoch_tx_epoch(ep) < ep->cur.epoch)
		tx_advance(ep, ep->cur.epoch);
	return &ep->cur;
}

/* Count an opened packet; past the limit (or too many forgeries), ask the
 * peer to move on by moving our send key, as 2.7 does. */
static void rx_count(struct epoch *ep, struct epoch_rx_key *k, size_t len)
{
	k->used += usage(len);
	if (k != &ep->cur ||
	    ((!ep->limit || k->used <= ep->limit) && k->fails <= FAILS_WARN))
		return;
	/* only now read what the sending threads write */
	if (epoch_tx_epoch(ep) == k->epoch)
		tx_advance(ep, k->epoch + 1u);
}

int epoch_decrypt(struct epoch *ep, struct pkt *p, uint64_t now_ms)
{
	uint8_t *hdr = p->data, iv[AEAD_IV_LEN];
	const uint8_t *src = p->src ? p->src : hdr;
	struct epoch_rx_key *k;
	uint64_t id;
	size_t len;
	int err;

	if (!ep || p->len < HDR_LEN + AEAD_TAG_LEN + 1 ||
	    opcode_of(hdr[0]) != P_DATA_V2)
		return -EINVAL;
	id = load_be64(hdr + DATAPKT_V2_HDR_LEN);
	if (datapkt_epoch_of(id) == 0)
		return -EINVAL;
	k = rx_lookup(ep, datapkt_epoch_of(id));
	if (!k)
		return -ENOKEY;
	if (k->fails > FAILS_REFUSE)
		return -EBADMSG;
	len = p->len - HDR_LEN - AEAD_TAG_LEN;
	make_iv(k->iv, id, iv);
	err = aead_open_iv(&k->aead, iv, hdr, HDR_LEN, src + HDR_LEN,
			   hdr + HDR_LEN, len, src + HDR_LEN + len);
	if (err) {
		k->fails += err == -EBADMSG;
		return err;
	}
	p->src = NULL;
	if (k == &ep->probe)
		k = rx_promote(ep);
	/* Only now, with the packet authentic, may it move the window. */
	if (pktid_accept(&k->replay, datapkt_epoch_counter(id), now_ms) != PKTID_OK)
		return -EALREADY;
	pkt_pull(p, HDR_LEN);
	p->len = (uint32_t)len;
	rx_count(ep, k, len);
	return 0;
}

/* ---- life -------------------------------------------------------------- */

static int rx_init(struct epoch *ep, const uint8_t recv[EPOCH_KEY_LEN],
		   uint32_t replay_window, uint32_t replay_secs)
{
	struct epoch_data_key d1;
	struct epoch_rx_key *keys[] = { &ep->cur, &ep->old, &ep->probe };
	int err = epoch_kdf_init(&ep->rx_kdf);

	for (unsigned i = 0; !err && i < 3; i++)
		err = pktid_window_init(&keys[i]->replay, replay_window,
					replay_secs);
	if (err)
		return err;
	ep->rx_key.epoch = 1;
	memcpy(ep->rx_key.e, recv, EPOCH_KEY_LEN);
	err = epoch_kdf_data_key(&ep->rx_kdf, &ep->rx_key, ep->cipher, &d1);
	if (!err)
		err = aead_key(ep, &ep->cur.aead, &d1, false);
	if (!err) {
		memcpy(ep->cur.iv, d1.iv, EPOCH_IV_LEN);
		ep->cur.epoch = 1;
	}
	mem_wipe(&d1, sizeof(d1));
	return err;
}

static int tx_init(struct epoch *ep, const uint8_t send[EPOCH_KEY_LEN])
{
	int err = epoch_kdf_init(&ep->tx_kdf);

	if (err)
		return err;
	ep->tx_key.epoch = 1;
	memcpy(ep->tx_key.e, send, EPOCH_KEY_LEN);
	err = epoch_kdf_data_key(&ep->tx_kdf, &ep->tx_key, ep->cipher,
				 &ep->tx_data);
	atomic_store(&ep->tx_last, datapkt_epoch_id(1, 0));
	/* Each thread's context is keyed when that thread first seals
	 * (epoch_encrypt -> tx_ctx_for): a peer's packets mostly go out
	 * from one thread, and an unused context costs ~1 kB of key
	 * schedule per peer. rx_init keys the receive side with the same
	 * cipher and backend, so a key that cannot be set up fails here. */
	return err;
}

int epoch_init(struct epoch **out, enum dco_cipher cipher,
	       enum dco_aead_backend backend, uint64_t limit, unsigned threads,
	       const uint8_t send[EPOCH_KEY_LEN], const uint8_t recv[EPOCH_KEY_LEN],
	       uint32_t replay_window, uint32_t replay_secs)
{
	struct epoch *ep;
	size_t size;
	int err;

	*out = NULL;
	if (cipher == DCO_CIPHER_NONE || threads == 0)
		return -EINVAL;
	size = (sizeof(*ep) + threads * sizeof(ep->tx[0]) + 63) & ~(size_t)63;
	ep = aligned_alloc(64, size);
	if (!ep)
		return -ENOMEM;
	memset(ep, 0, size);
	ep->cipher = cipher;
	ep->backend = backend;
	ep->n_tx = threads;
	ep->limit = limit ? limit :
		    cipher == DCO_CIPHER_CHACHA20_POLY1305 ? 0 : EPOCH_GCM_LIMIT;
	pthread_mutex_init(&ep->tx_lock, NULL);
	err = tx_init(ep, send);
	if (!err)
		err = rx_init(ep, recv, replay_window, replay_secs);
	if (err) {
		epoch_free(ep);
		return err;
	}
	*out = ep;
	return 0;
}

void epoch_free(struct epoch *ep)
{
	struct epoch_rx_key *keys[3];

	if (!ep)
		return;
	keys[0] = &ep->cur, keys[1] = &ep->old, keys[2] = &ep->probe;
	for (unsigned i = 0; i < 3; i++) {
		aead_free(&keys[i]->aead);
		pktid_window_free(&keys[i]->replay);
	}
	for (unsigned t = 0; t < ep->n_tx; t++)
		aead_free(&ep->tx[t].aead);
	epoch_kdf_free(&ep->tx_kdf);
	epoch_kdf_free(&ep->rx_kdf);
	pthread_mutex_destroy(&ep->tx_lock);
	mem_wipe(ep, sizeof(*ep) + ep->n_tx * sizeof(ep->tx[0]));
	free(ep);
}
