/*
 * The control channel's reliability layer (PROTOCOL.md 2), one instance per
 * key state (per key-id), behaving as OpenVPN 2.6's reliable.c + the parts of
 * ssl.c that drive it. Pure logic: no I/O, no clock reads; every function that
 * needs the time takes @now_ms (monotonic milliseconds) from the caller.
 *
 * Send side: a window of RELIABLE_SEND_WINDOW (6) packets. Message-ids count
 * from 0. A packet may be queued only while next_id - oldest_unacked < 6.
 * Each queued packet is due at once; every (re)transmission sets its next try
 * to now + timeout and then doubles the timeout (2, 4, 8, ... s with the
 * default --tls-timeout 2 s; OpenVPN has no cap, the hand-window bounds it:
 * max_timeout_ms can add one). A packet is also due early once 3 later ids
 * were ACKed (fast retransmit). The oldest due packet goes first.
 *
 * Receive side: a window of RELIABLE_RECV_WINDOW (12) buffers accepting ids
 * in [next_expected, next_expected + 12); out-of-order ones wait, delivery is
 * strictly in order. Every accepted or duplicate id (also ids already
 * delivered) is queued for ACK; ids beyond the window, or anything while all
 * 12 buffers are busy, are dropped without ACK.
 *
 * ACKs: pending ids (up to 8) are written into the next outgoing packet (up to
 * RELIABLE_ACK_PIGGYBACK 4 on a control packet, up to 8 in a P_ACK_V1). Ids
 * already sent are kept in a most-recently-used list and re-sent to fill the
 * record's spare slots, as 2.6 does, so a lost ACK is repeated unprompted.
 *
 * What the caller (the session / control channel processor) does:
 *  - reliable_init() per key state; cfg.hold for a TCP server that must not
 *    transmit before the client's reset (reliable_schedule_now() releases).
 *    reliable_clear() at its end: messages in the windows are heap copies
 *    (-ENOMEM from reliable_queue, RELIABLE_RX_FULL when none can be made).
 *  - To send: while reliable_send_room() > 0, reliable_queue() a payload (reset,
 *    TLS ciphertext chunk) with its opcode. Then, on each processing pass,
 *    loop reliable_next_send(now): for each packet, reliable_ack_fill() up to
 *    RELIABLE_ACK_PIGGYBACK ids, compose (ctlpkt) with the returned opcode,
 *    message-id and payload, wrap, transmit.
 *  - If reliable_ack_pending() and nothing else went out: a P_ACK_V1 with
 *    reliable_ack_fill(RELIABLE_ACK_MAX).
 *  - On a received packet (after unwrapping and checking the session): check
 *    ctlpkt_ack_matches(ack, own sid) (drop if not), reliable_ack_received(),
 *    then for non-P_ACK_V1 reliable_receive(). Then drain in order with
 *    reliable_peek() + reliable_pop() (leave a message in place if TLS cannot
 *    take it yet). On the peer's reset, reliable_schedule_now() once ("burst").
 *  - Sleep until reliable_next_deadline(); a negative reliable_next_send()
 *    (-ETIMEDOUT, when max_sends is set) or the caller's hand-window deadline
 *    (60 s from the first packet) ends the key state.
 *  - reliable_send_empty() tells the handshake that our packets are all ACKed
 *    (S_PRE_START -> S_START, -> S_ACTIVE).
 *  - Message 0 of a HARD_RESET_* is early-negotiation TLVs
 *    (ctlpkt_parse_early_neg), not TLS input. A tls-crypt-v2 client asked to
 *    resend its WKc answers its first ACK with an empty P_CONTROL_WKC_V1
 *    (reliable_queue(.., 0 bytes)) instead of a P_ACK_V1.
 *  - A 2.6 UDP server answering statelessly creates this instance only on the
 *    client's second packet: reliable_set_next_send(1), _set_next_recv(1).
 * Times are milliseconds where OpenVPN counts whole seconds; the sequence of
 * (re)transmissions is the same.
 * Not thread-safe: one control thread owns each instance.
 */
#ifndef DCOVPN_CTL_RELIABLE_H
#define DCOVPN_CTL_RELIABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/ctlpkt.h"

#define RELIABLE_SEND_WINDOW 6u        /* TLS_RELIABLE_N_SEND_BUFFERS */
#define RELIABLE_RECV_WINDOW 12u       /* TLS_RELIABLE_N_REC_BUFFERS */
#define RELIABLE_ACK_MAX CTLPKT_ACK_MAX /* RELIABLE_ACK_SIZE, P_ACK_V1 */
#define RELIABLE_ACK_PIGGYBACK 4u      /* CONTROL_SEND_ACK_MAX */
#define RELIABLE_FAST_RETRANSMIT 3u    /* N_ACK_RETRANSMIT */
#define RELIABLE_TIMEOUT_DEFAULT_MS 2000u /* --tls-timeout 2 */
/* Largest payload one packet carries (OpenVPN's control buffers are 2048). */
#define RELIABLE_PAYLOAD_MAX 2048u
/* Doubling saturates here so the arithmetic never overflows. */
#define RELIABLE_TIMEOUT_LIMIT_MS (1u << 30)
#define RELIABLE_NO_DEADLINE UINT64_MAX

struct reliable_config {
	uint32_t initial_timeout_ms;  /* 0: RELIABLE_TIMEOUT_DEFAULT_MS */
	uint32_t max_timeout_ms;      /* 0: uncapped, as OpenVPN */
	uint32_t max_sends;           /* per packet incl. the first; 0: unbounded */
	bool hold;                    /* send nothing until reliable_schedule_now */
};

struct reliable_send_slot {
	bool active;
	enum opcode opcode;
	uint32_t msg_id;
	uint64_t next_try_ms;         /* due when now >= this */
	uint64_t timeout_ms;          /* interval after the next transmission */
	uint32_t later_acks;          /* ACKs seen for higher ids since last send */
	uint32_t sends;               /* transmissions so far */
	uint16_t len;
	uint8_t *data;                /* malloc'd while active (len bytes) */
};

struct reliable_recv_slot {
	bool active;
	enum opcode opcode;
	uint32_t msg_id;
	uint16_t len;
	uint8_t *data;                /* malloc'd while active (len bytes) */
};

struct reliable_ack_list {
	uint8_t n;
	uint32_t ids[RELIABLE_ACK_MAX];
};

struct reliable_stats {
	uint64_t sent;                /* transmissions, first ones included */
	uint64_t retransmits;
	uint64_t fast_retransmits;    /* retransmits triggered by later ACKs */
	uint64_t acked;               /* send slots released by an ACK */
	uint64_t received;            /* new messages stored */
	uint64_t duplicates;          /* re-ACKed, not stored */
	uint64_t dropped;             /* beyond the window or no buffer: no ACK */
	uint64_t ack_overflow;        /* ids not queued for ACK: list full */
};

struct reliable {
	struct reliable_config cfg;
	bool hold;                    /* from cfg, lifted by reliable_schedule_now */
	/* send side */
	struct reliable_send_slot send[RELIABLE_SEND_WINDOW];
	uint32_t next_send_id;
	/* receive side */
	struct reliable_recv_slot recv[RELIABLE_RECV_WINDOW];
	uint32_t next_recv_id;        /* next id to deliver */
	/* ACK side */
	struct reliable_ack_list ack_pending;  /* received, not yet ACKed */
	struct reliable_ack_list ack_mru;      /* ACKed recently, newest first */
	struct reliable_stats stats;
};

/* A packet to transmit; payload points into the send window. */
struct reliable_tx {
	enum opcode opcode;
	uint32_t msg_id;
	const uint8_t *payload;
	size_t len;
	bool retransmit;
};

/* A received message delivered in order; payload points into the window. */
struct reliable_rx {
	enum opcode opcode;
	uint32_t msg_id;
	const uint8_t *payload;
	size_t len;
};

enum reliable_rx_verdict {
	RELIABLE_RX_NEW = 0,    /* stored, ACK queued */
	RELIABLE_RX_DUP,        /* seen before, ACK queued again */
	RELIABLE_RX_BEYOND,     /* outside the receive window: dropped, no ACK */
	RELIABLE_RX_FULL,       /* no free buffer: dropped, no ACK */
	RELIABLE_RX_TOO_BIG,    /* payload over RELIABLE_PAYLOAD_MAX: dropped */
	RELIABLE_RX_INVALID,    /* opcode carries no message-id (P_ACK_V1) */
};

/* @cfg may be NULL for the defaults. */
void reliable_init(struct reliable *r, const struct reliable_config *cfg);
/* Wipes the buffers (they held TLS records). */
void reliable_clear(struct reliable *r);

/* --- send side --- */

/* How many more packets reliable_queue() would take now. */
unsigned reliable_send_room(const struct reliable *r);
/*
 * Take a copy of @payload as the next message (id returned in @msg_id, may be
 * NULL), due for transmission at once. -ENOBUFS: window full; -EMSGSIZE:
 * payload over RELIABLE_PAYLOAD_MAX; -EINVAL: opcode without message-id.
 */
int reliable_queue(struct reliable *r, enum opcode op, const uint8_t *payload,
		   size_t len, uint32_t *msg_id);
/*
 * The oldest packet due at @now_ms: 1 and @tx filled (its timer restarted with
 * doubled backoff); 0 if none is due (or on hold); -ETIMEDOUT if a due packet
 * has already been sent cfg.max_sends times (the caller gives up the key state).
 */
int reliable_next_send(struct reliable *r, uint64_t now_ms, struct reliable_tx *tx);
/* Absolute time the next packet is due; 0 if due already (fast retransmit);
 * RELIABLE_NO_DEADLINE if nothing waits (or on hold). */
uint64_t reliable_next_deadline(const struct reliable *r);
/* All packets due now with the initial timeout; lifts the hold ("burst"). */
void reliable_schedule_now(struct reliable *r, uint64_t now_ms);
/* Release every send slot whose id is in @ids; count later-ACKs for the rest.
 * Returns how many slots were released. */
unsigned reliable_ack_received(struct reliable *r, const uint32_t *ids, unsigned n);
/* True when nothing we sent waits for an ACK. */
bool reliable_send_empty(const struct reliable *r);

/* --- receive side --- */

/* A received reliable packet (not P_ACK_V1; its ACK record goes to
 * reliable_ack_received() first). The payload is copied. */
enum reliable_rx_verdict reliable_receive(struct reliable *r, enum opcode op,
					  uint32_t msg_id, const uint8_t *payload,
					  size_t len);
/* The next in-order message, if it has arrived; stays until reliable_pop(). */
bool reliable_peek(const struct reliable *r, struct reliable_rx *rx);
/* Consume the message reliable_peek() returned (no-op if there is none). */
void reliable_pop(struct reliable *r);

/* --- outgoing ACKs --- */

/* Ids received and not yet written into any ACK record. */
unsigned reliable_ack_pending(const struct reliable *r);
/*
 * Fill @ack with up to @max ids (<= RELIABLE_ACK_MAX): pending ones first,
 * then recently ACKed ones to use spare slots; pending ids written move to the
 * MRU list. @peer_sid is the session id the record names. Returns ack->n.
 */
unsigned reliable_ack_fill(struct reliable *r, struct ctlpkt_ack *ack,
			   unsigned max, const uint8_t peer_sid[CTLPKT_SID_LEN]);

/*
 * Upper bound of the ACK record's wire length the next reliable_ack_fill(@max)
 * writes (OpenVPN's pessimistic ACK_SIZE(min(pending + mru, max))), so the
 * caller can size the TLS chunk that goes with it.
 */
size_t reliable_ack_overhead(const struct reliable *r, unsigned max);

/* --- server's stateless start (2.6 HMAC cookie): ids already used --- */

/* Next id to send / expect; -EBUSY unless the respective window is empty. */
int reliable_set_next_send(struct reliable *r, uint32_t id);
int reliable_set_next_recv(struct reliable *r, uint32_t id);

const char *reliable_rx_verdict_str(enum reliable_rx_verdict v);

#endif
