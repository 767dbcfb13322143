/*
 * Epoch data keys of one key slot: OpenVPN 2.7's "protocol-flags
 * aead-epoch" data channel (proto/datapkt.h: the epoch format; the key
 * schedule in epoch_kdf.h). Each direction starts at epoch 1 from its E_1
 * and moves forward on its own:
 *
 * Send: packet-ids are (epoch, 48-bit counter) from one atomic 64-bit
 *   value, so threads encrypting at once never share an IV. The epoch is
 *   moved on before the AES-GCM usage limit OpenVPN 2.7 enforces (blocks
 *   of plaintext + packets <= 2^36 - 1 per key; none for ChaCha20-Poly1305)
 *   or the counter's end, when the peer's receive key passes ours (it moved
 *   on, we follow, as 2.7 does), and when our receive key reached its
 *   limit (to ask the peer to move on). Each encrypting thread keeps its own
 *   AEAD context and re-keys it when it meets a newer epoch.
 * Receive (one thread): the current epoch's key, the one before it
 *   (retiring: late packets) and the data keys of the next EPOCH_FUTURE
 *   epochs, derived ahead (from the first packet of a later epoch on: not
 *   at set-up, which a server pays per handshake); a packet of a future
 *   epoch is tried with a probe context keyed from those, and once it
 *   authenticates its epoch becomes the current one. Each receive key has its own replay window.
 *
 * Locking: epoch_encrypt may run on several threads at once (different
 * @thread); epoch_decrypt on one thread at a time, beside them. Rotation
 * of the send key takes ep->tx_lock, held for a few key derivations.
 */
#ifndef DCOVPN_DCO_EPOCH_H
#define DCOVPN_DCO_EPOCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/pkt.h"
#include "dco/aead.h"
#include "dco/epoch_kdf.h"
#include "dcovpn/dco.h"
#include "proto/pktid.h"

/* Receive keys derived ahead (2.7's software data channel: 16). */
#define EPOCH_FUTURE 16u
/* Send epoch from which the control plane is asked to renegotiate, as
 * 2.7 does before the 16-bit epoch runs out. */
#define EPOCH_RENEG_AT 0xF000u
/* 2.7's AES-GCM usage limit: plaintext blocks + packets per key. */
#define EPOCH_GCM_LIMIT ((1ull << 36) - 1)

struct epoch_rx_key {
	uint16_t epoch;                 /* 0: none */
	struct aead aead;
	uint8_t iv[EPOCH_IV_LEN];
	struct pktid_window replay;
	uint64_t used;                  /* blocks + packets opened */
	uint64_t fails;                 /* packets that did not authenticate */
};

struct epoch_tx_ctx {
	uint16_t epoch;                 /* what aead is keyed for; 0: none */
	struct aead aead;
	uint8_t iv[EPOCH_IV_LEN];
};

struct epoch {
	enum dco_cipher cipher;
	enum dco_aead_backend backend;
	uint64_t limit;                 /* usage limit per key; 0: none */
	/* send: written per packet, on a cache line of their own (the
	 * receiving thread must not pay for it) */
	_Alignas(64) _Atomic uint64_t tx_last; /* last packet-id handed out */
	_Atomic uint64_t tx_used;       /* blocks + packets of the send epoch */
	pthread_mutex_t tx_lock;        /* tx_key, tx_data, rotation */
	struct epoch_kdf tx_kdf;
	struct epoch_key tx_key;        /* E_n of the send epoch */
	struct epoch_data_key tx_data;  /* its data key */
	/* receive */
	struct epoch_kdf rx_kdf;
	struct epoch_key rx_key;        /* E of the highest epoch derived */
	struct epoch_data_key future[EPOCH_FUTURE]; /* by epoch % EPOCH_FUTURE */
	_Alignas(64) struct epoch_rx_key cur; /* counted per packet */
	struct epoch_rx_key old, probe;
	unsigned n_tx;
	_Alignas(64) struct epoch_tx_ctx tx[]; /* one per encrypting thread */
};

/*
 * Set up from the two E_1 keys (@send: ours, @recv: the peer's) for an
 * AEAD @cipher; @limit 0 means 2.7's (EPOCH_GCM_LIMIT for AES-GCM, none
 * for ChaCha20-Poly1305); @threads encrypting threads (epoch_encrypt's
 * @thread < @threads). Allocates; 0 or -errno.
 */
int epoch_init(struct epoch **out, enum dco_cipher cipher,
	       enum dco_aead_backend backend, uint64_t limit, unsigned threads,
	       const uint8_t send[EPOCH_KEY_LEN], const uint8_t recv[EPOCH_KEY_LEN],
	       uint32_t replay_window, uint32_t replay_secs);
/* Wipe and free; NULL is fine. */
void epoch_free(struct epoch *ep);

/*
 * Turn the plaintext at p->data into a P_DATA_V2 epoch packet in place
 * (header in the headroom, tag in the tailroom). 0, -ENOSPC (room),
 * -ERANGE (the last epoch's counter is spent), -EIO, -EINVAL.
 */
int epoch_encrypt(struct epoch *ep, unsigned thread, struct pkt *p,
		  uint8_t key_id, uint32_t peer_id);

/*
 * Open the epoch packet at p->data (header included; p->src as in
 * keyslot.h); on success p->data/len is the plaintext. 0, -EINVAL (short,
 * epoch 0), -ENOKEY (an epoch we have no key for), -EBADMSG, -EALREADY.
 */
int epoch_decrypt(struct epoch *ep, struct pkt *p, uint64_t now_ms);

/* The send epoch (tests, logs) and whether it is time to renegotiate. */
uint16_t epoch_tx_epoch(const struct epoch *ep);
bool epoch_near_wrap(const struct epoch *ep);

#endif
