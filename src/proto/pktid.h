/*
 * Packet-ids and replay protection for one key and direction (PROTOCOL.md 5.4).
 *
 * Receive side: a sliding window over the highest id seen, with OpenVPN's
 * --replay-window n t semantics: ids above the highest are accepted; ids
 * within n below it are accepted once; an id in the window whose neighbour
 * above it was received more than t seconds ago is refused (time expiry, so a
 * delayed packet cannot be replayed long after). Id 0 is never valid.
 * The window is consulted only after the packet authenticated.
 *
 * Send side: ids from 1 up, never wrapping: at UINT32_MAX the key is spent.
 */
#ifndef DCOVPN_PROTO_PKTID_H
#define DCOVPN_PROTO_PKTID_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define PKTID_WINDOW_DEFAULT 64u
#define PKTID_WINDOW_MAX 65536u
#define PKTID_EXPIRE_DEFAULT_S 15u
/* Send id from which the control plane is told to renegotiate (OpenVPN's
 * PACKET_ID_WRAP_TRIGGER). */
#define PKTID_WRAP_TRIGGER 0xFF000000u

struct pktid_window {
	uint64_t highest;        /* highest id accepted; 0: none yet (64 bit:
				  * epoch keys count 48 bits per epoch) */
	uint32_t size;           /* window size in ids */
	uint32_t expire_ms;      /* 0: no time expiry */
	uint64_t *seen;          /* bitmap, size bits, indexed by id % size */
	uint64_t *when_ms;       /* receive time per slot, for expiry */
};

/* Allocates the window; 0 or -ENOMEM / -EINVAL (size 0 or > max). */
int pktid_window_init(struct pktid_window *w, uint32_t size, uint32_t expire_s);
void pktid_window_free(struct pktid_window *w);
/* Forget every id seen (a new time base of long-form packet-ids, a new
 * epoch key), memory kept. */
void pktid_window_reset(struct pktid_window *w);

enum pktid_verdict {
	PKTID_OK = 0,
	PKTID_INVALID,      /* id 0 */
	PKTID_DUPLICATE,    /* already seen */
	PKTID_TOO_OLD,      /* below the window */
	PKTID_EXPIRED,      /* inside the window but past the time limit */
};

/* Check without recording. */
enum pktid_verdict pktid_check(const struct pktid_window *w, uint64_t id,
			       uint64_t now_ms);
/* Check and, if OK, record @id as seen at @now_ms. */
enum pktid_verdict pktid_accept(struct pktid_window *w, uint64_t id,
				uint64_t now_ms);
const char *pktid_verdict_str(enum pktid_verdict v);

struct pktid_tx {
	_Atomic uint32_t last;   /* last id handed out; 0: none yet */
};

/* Next id to send, or 0 when the 32-bit space is spent (never wraps). */
uint32_t pktid_tx_next(struct pktid_tx *tx);

#endif
