/*
 * Pull: PUSH_REQUEST timing and the server's control messages
 * (PROTOCOL.md 6.1-6.3, 6.8).
 *
 * Timing as a 2.6 client: the first PUSH_REQUEST goes out at push_start
 * (the caller's connect check, once the first key state is active and no
 * reply came unasked), then every 5 s (PUSH_REQUEST_INTERVAL) until
 * a complete reply arrived; hand-window seconds after the first request
 * without a reply the connection restarts ("no-push-reply").
 *
 * A reply may come in parts: all but the last end in "push-continuation 2",
 * the last in "push-continuation 1" (or carries none). Each part is applied
 * through the option table's push parser (options_apply_push) as it comes.
 * A PUSH_REPLY after the complete one (a renewed auth-token) is applied but
 * changes nothing else.
 *
 * Not thread-safe: the control thread owns it.
 */
#ifndef DCOVPN_CTL_PUSH_H
#define DCOVPN_CTL_PUSH_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/options.h"
#include "dcovpn/dco.h"

#define PUSH_REQUEST_INTERVAL_MS 5000u
#define PUSH_MSG "PUSH_REQUEST"

enum push_result {
	PUSH_IGNORED = 0,   /* nothing for the caller to do */
	PUSH_PARTIAL,       /* part of a reply applied, more to come */
	PUSH_DONE,          /* the reply is complete: bring the tunnel up */
	PUSH_LATE,          /* a later PUSH_REPLY (auth-token) was applied */
	PUSH_AUTH_FAILED,   /* AUTH_FAILED: stop (auth-retry none) */
	PUSH_RESTART,       /* RESTART: reconnect */
	PUSH_RESTART_NEXT,  /* RESTART with flag N: reconnect, next remote */
	PUSH_HALT,          /* HALT: exit */
	PUSH_EXIT,          /* EXIT (cc-exit): the server goes away: reconnect */
	PUSH_ERROR,         /* the reply was refused (pull-filter reject) */
};

struct push {
	bool started;
	bool done;
	uint64_t next_request_ms;
	uint64_t deadline_ms;
	unsigned parts;
};

void push_init(struct push *p);
/* The session became active: start asking at @now_ms. */
void push_start(struct push *p, uint64_t now_ms, unsigned hand_window_s);
/* AUTH_PENDING: a complete reply is waited for until @deadline_ms (also
 * when it comes before push_start, which then keeps it if ahead). */
void push_extend(struct push *p, uint64_t deadline_ms);
/* True if a PUSH_REQUEST is due now (and schedules the next one). */
bool push_request_due(struct push *p, uint64_t now_ms);
/*
 * At each PUSH_REQUEST due, as OpenVPN's client (send_push_request): go on
 * asking while the deadline (hand-window after push_start, or an
 * AUTH_PENDING's) is ahead and the server sent something within
 * @hand_window_ms (it ACKs each request); false: give up.
 */
bool push_alive(const struct push *p, uint64_t now_ms, uint64_t peer_last_ms,
		uint64_t hand_window_ms);
/* -ETIMEDOUT once the hand-window passed without a complete reply. */
int push_check_timeout(const struct push *p, uint64_t now_ms);
uint64_t push_next_deadline(const struct push *p);

/* Has a PUSH_REPLY (or a part of one) come? */
bool push_replied(const struct push *p);
/* Handle one control message; options are applied to @o. */
enum push_result push_message(struct push *p, struct options *o,
			      const char *msg);

/*
 * Cipher negotiation on the client (PROTOCOL.md 6.6): @pushed is the pushed
 * "cipher" (NULL: none); it must be one of data-ciphers (or the fallback).
 * Without one, data-ciphers-fallback is used. 0, or -EINVAL with @err.
 */
int push_cipher(const struct options *o, const char *pushed,
		enum dco_cipher *out, char *err, size_t errlen);

/*
 * Epoch data keys on the client: 1 when the server pushed "protocol-flags
 * aead-epoch" (and @cipher is AEAD), 0 when not, -EPROTO with @err when it
 * did without a peer-id (2.7 refuses that too: the format is P_DATA_V2's).
 */
int push_epoch(const struct options *o, enum dco_cipher cipher, char *err,
	       size_t errlen);

/* Is @name in the ':'-separated cipher @list (case-insensitive)? */
bool push_cipher_in_list(const char *list, const char *name);
/* Is @name in data-ciphers (or the default list)? */
bool push_cipher_allowed(const struct options *o, const char *name);

#endif
