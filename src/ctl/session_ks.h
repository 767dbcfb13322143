/*
 * Key states of one session, shared by the files that run it (internal to
 * the session, not an API):
 *   session.c       renegotiation, receiving a packet, timers, public calls
 *   session_ks.c    a key state's life and clocks, our reset, the wire
 *   session_km2.c   TLS progress, key method 2, messages, one processing
 *                   pass of a key state
 *   session_keys.c  data channel keys into the engine
 *   session_wrap.c  tls-auth / tls-crypt / tls-crypt-v2 wrapping
 *   session_quiet.c whether a tick has anything to do
 */
#ifndef DCOVPN_CTL_SESSION_KS_H
#define DCOVPN_CTL_SESSION_KS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl/session.h"
#include "proto/opcode.h"

/* Nothing for session_tick to do at @now_ms (session_quiet.c). */
bool session_quiet(const struct session *s, uint64_t now_ms);

/* Wall clock seconds, for the wrapping's packet-id time. */
uint32_t session_now_s(void);

/* --hand-window in milliseconds. */
unsigned session_hand_window_ms(const struct session *s);

/* A new key state @key_id (TLS session, reliability, our key source). */
int ks_new(struct session *s, uint8_t key_id, uint64_t now_ms,
	   struct keystate **out);
/* Free @ks (may be NULL), wiping it. */
void ks_free(struct keystate *ks);
/* Frees @ks's plaintext buffer if it holds nothing. */
void ks_plain_release(struct keystate *ks);
/* Restart @ks's handshake and send-delay clocks at @now_ms. */
void ks_restart_clock(struct session *s, struct keystate *ks,
		      uint64_t now_ms);
struct keystate *session_ks_by_id(struct session *s, uint8_t key_id);
/* Queue our reset: message-id 0 of the key state. */
int ks_queue_reset(struct session *s, struct keystate *ks);

/* Compose, wrap and send one packet of key state @ks. */
int session_xmit(struct session *s, struct keystate *ks, enum opcode op,
		 uint32_t msg_id, const uint8_t *payload, size_t len,
		 unsigned max_acks);
/* Transmit what is due, then a bare ACK if ACKs are still owed. */
int ks_flush(struct session *s, struct keystate *ks, uint64_t now_ms);

/* Forget (and wipe) the peer's username and password. */
void session_clear_peer_auth(struct session *s);
/* Deliver, progress and flush @ks; 0, or -EPROTO once the session
 * failed. */
int session_process(struct session *s, struct keystate *ks,
		    uint64_t now_ms);

#endif
