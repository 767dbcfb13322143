/*
 * A key slot: the data-channel crypto state of one key-id of one peer — both
 * directions' AEAD contexts, the send packet-id counter and the receive replay
 * window. Packets are sealed and opened in place (pkt.h headroom).
 */
#ifndef DCOVPN_DCO_KEYSLOT_H
#define DCOVPN_DCO_KEYSLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/pkt.h"
#include "dco/aead.h"
#include "dco/cbc.h"
#include "dco/epoch.h"
#include "dcovpn/dco.h"
#include "proto/pktid.h"

/* Threads that encrypt: the engine workers and the control plane
 * (engine.h: DCO_MAX_WORKERS + 1, checked there). */
#define KEYSLOT_THREADS 17u

struct keyslot {
	bool in_use;
	uint8_t key_id;
	enum dco_cipher cipher;
	/* One encrypt context per engine thread (keyslot_encrypt's @thread):
	 * an OpenSSL context cannot seal two packets at once, and a lock per
	 * packet is what this replaces. One decrypt context: only the link
	 * worker decrypts. */
	struct aead *enc, dec;       /* enc: n_threads (heap), AEAD only */
	/* The same for the legacy CBC + HMAC ciphers (keyslot_cbc.c);
	 * cbc_enc: n_threads (heap), CBC only. Sized to the threads, not
	 * KEYSLOT_THREADS: 1.6 kB less per server client. */
	struct cbc *cbc_enc, cbc_dec;
	unsigned n_threads;     /* encrypt contexts set up: @thread < this */
	struct pktid_tx tx_id;
	struct pktid_window replay;
	bool near_wrap_reported;
	/* --secret format (keyslot_cbc.c): no header, long packet-ids */
	bool static_key;
	/* our long packet-ids: time (s) << 32 | last id; an id past
	 * UINT32_MAX carries into the time, as OpenVPN starts a new time
	 * when the long form wraps: never a near-wrap event */
	_Atomic uint64_t static_tx;
	uint32_t rx_time;            /* the peer's, of the window's ids */
	/* OpenVPN 2.7 epoch keys (dco/epoch.h): then enc, dec, tx_id and
	 * replay are unused and this does it all. NULL: the 2.6 format. */
	struct epoch *epoch;
};

/* Set up from @cfg (keys are copied; the caller wipes its copy), the AEAD
 * on @backend (aead_init). */
int keyslot_init(struct keyslot *ks, const struct dco_key_config *cfg,
		 uint32_t replay_window, uint32_t replay_secs,
		 enum dco_aead_backend backend);
/* The same with encrypt contexts for threads 0..@threads-1 only (1..
 * KEYSLOT_THREADS): the engine sets up as many as it has threads. */
int keyslot_init_n(struct keyslot *ks, const struct dco_key_config *cfg,
		   uint32_t replay_window, uint32_t replay_secs,
		   enum dco_aead_backend backend, unsigned threads);
/* Free contexts and wipe everything; the slot is then unused. */
void keyslot_clear(struct keyslot *ks);

/*
 * Turn the plaintext at p->data into a complete data packet in place:
 * header (P_DATA_V2 with @peer_id, or P_DATA_V1 if @v1), packet-id, tag,
 * ciphertext. Returns 0, -ERANGE when the packet-id space is spent (the key
 * must be replaced), -ENOSPC if the headroom is short, -EIO on crypto error,
 * -EINVAL for an unused slot, an empty packet, a peer-id over 24 bits or
 * @thread >= the slot's n_threads. Threads with different @thread may encrypt
 * with one slot at once (never while it is initialised or cleared); one
 * @thread is one thread at a time.
 */
int keyslot_encrypt(struct keyslot *ks, unsigned thread, struct pkt *p,
		    uint32_t peer_id, bool v1);

/*
 * Open the complete data packet at p->data (header included) in place; on
 * success p->data/len is the plaintext. Returns 0, -EINVAL (too short or not a
 * data packet of this key), -EBADMSG (authentication failed), -EALREADY
 * (replayed, too old or expired), -ENOKEY (epoch keys: an epoch outside
 * the window of keys held). The replay window is updated only for
 * packets that authenticated.
 */
int keyslot_decrypt(struct keyslot *ks, struct pkt *p, uint64_t now_ms);

/* The CBC + HMAC ciphers' side of the above (keyslot_cbc.c): set up the
 * cbc_enc/cbc_dec contexts from @cfg; compose / open a packet of that
 * format. keyslot_cbc_seal() takes the IV (known-answer tests);
 * keyslot_cbc_encrypt() draws a random one. */
int keyslot_cbc_init(struct keyslot *ks, const struct dco_key_config *cfg);
void keyslot_cbc_clear(struct keyslot *ks);
int keyslot_cbc_seal(struct keyslot *ks, unsigned thread, struct pkt *p,
		     uint32_t peer_id, bool v1, const uint8_t iv[CBC_IV_LEN]);
int keyslot_cbc_encrypt(struct keyslot *ks, unsigned thread, struct pkt *p,
			uint32_t peer_id, bool v1);
int keyslot_cbc_decrypt(struct keyslot *ks, struct pkt *p, size_t hdr_len,
			uint64_t now_ms);

/* True once the send packet-id passed PKTID_WRAP_TRIGGER. */
bool keyslot_near_wrap(const struct keyslot *ks);

#endif
