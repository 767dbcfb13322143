/*
 * Hand-off between engine threads, both ways. Receive: a UDP data packet that reached a thread
 * other than its peer's home (engine.h: peer_home) is copied into the
 * home's queue and decrypted there, so that a peer's receive state (replay
 * window, decrypt context) has one thread, whatever steered the packet.
 * That is the P_DATA_V1 case: it names no peer-id, so the reuseport program
 * (mq.c) leaves it to the kernel's address hash. The shape is VPP's
 * wireguard plugin (wireguard_input.c: hand off to the peer's thread).
 * Send: a plaintext packet read from the tun (or forwarded client to
 * client) by a thread other than its peer's home goes to the home's send
 * queue, which numbers and encrypts it (tx_handoff.c): packet-ids leave
 * in order, as a receiver's replay window (OpenVPN: 64) needs.
 *
 * Each worker owns one bounded queue; any worker appends (lock-free: a
 * compare-and-swap on the tail, then a per-slot sequence number publishes
 * the slot, as in D. Vyukov's bounded queue), only the owner takes. A full
 * queue is refused: the caller drops and counts it (drop_handoff), as a
 * full socket buffer would; a packet larger than a slot too (the caller
 * decrypts it where it is, under the peer's claim; slots are sized from
 * the tunnel MTU, so only a device MTU raised past the engine's does).
 *
 * Memory: the slots are allocated whole but touched only when used (the
 * sequence numbers live apart), so a server whose peers all send a
 * peer-id never pays for them.
 */
#ifndef DCOVPN_DCO_HANDOFF_H
#define DCOVPN_DCO_HANDOFF_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/pkt.h"

/* Slots per queue: 16 reads' worth of batches (engine.h: DCO_BATCH), about
 * a millisecond of a busy thread's packets: enough to ride out a home
 * thread that was scheduled out for a time slice (measured: 256 dropped
 * 2% on 4 threads over 2 loaded CPUs). */
#define HANDOFF_SLOTS 1024u
/* Bytes a slot holds at least: a datagram of a 1500-byte tunnel with any
 * cipher's overhead fits. A larger tunnel MTU gets larger slots
 * (handoff_data_max). */
#define HANDOFF_DATA_MAX 2048u
/* Above the tunnel MTU: a tap's Ethernet header, any cipher's overhead. */
#define HANDOFF_DATA_SLACK 256u

struct handoff_slot {
	uint32_t len;
	uint32_t peer_id;        /* send queue: whose plaintext it is */
	int sock;
	socklen_t addrlen;
	struct pkt_local local;  /* receive queue: where it came to */
	struct sockaddr_storage addr;
	uint8_t data[];          /* data_max bytes */
};

struct handoff {
	_Atomic uint32_t tail;   /* producers: next position to fill */
	uint32_t head;           /* the owner: next position to take */
	atomic_bool armed;       /* a wake-up is on its way to the owner */
	_Atomic uint32_t *seq;   /* per slot: the queue position it serves */
	uint32_t data_max;       /* bytes a slot holds */
	size_t stride;           /* bytes from one slot to the next */
	unsigned char *slots;    /* HANDOFF_SLOTS of stride bytes */
};

/* Slot size for a tunnel of @mtu: HANDOFF_DATA_MAX, or more. */
static inline uint32_t handoff_data_max(unsigned mtu)
{
	return mtu + HANDOFF_DATA_SLACK > HANDOFF_DATA_MAX ?
		       mtu + HANDOFF_DATA_SLACK : HANDOFF_DATA_MAX;
}

int handoff_init(struct handoff *q, uint32_t data_max);
void handoff_free(struct handoff *q);
/* Any thread: copy @p (data packet, possibly still at p->src) into @q.
 * 0, or -ENOBUFS (full), -EMSGSIZE (larger than a slot). */
int handoff_push(struct handoff *q, const struct pkt *p);
/* The producer, after its batch: true if the owner must be woken (no
 * wake-up is pending yet). */
static inline bool handoff_needs_wake(struct handoff *q)
{
	return !atomic_exchange(&q->armed, true);
}
/* The owner, before draining: later pushes wake it again. */
static inline void handoff_disarm(struct handoff *q)
{
	atomic_store(&q->armed, false);
}
/* The owner: the next filled slot, or NULL; give it back with
 * handoff_release once done with its bytes. */
struct handoff_slot *handoff_peek(struct handoff *q);
void handoff_release(struct handoff *q);

#endif
