/*
 * One simulated OpenVPN client of dcovpn-load: its own UDP socket (bound
 * to its own source address when --source is given), the project's
 * control channel (ctl/session.h: reset, TLS, key method 2) and pull
 * (ctl/push.h: PUSH_REQUEST until PUSH_REPLY), then its data channel
 * (load/ldata.h) for keepalives and echo requests.
 *
 *   IDLE -> HANDSHAKE (start) -> UP (PUSH_REPLY applied, keys derived)
 *   UP -> CLOSING (close: EXIT sent) -> IDLE once the server ACKed it or
 *   after 2 s; any failure -> IDLE (the fleet retries it).
 *
 * Owned by the fleet's thread; every function takes the time.
 */
#ifndef DCOVPN_LOAD_LCLIENT_H
#define DCOVPN_LOAD_LCLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl/push.h"
#include "ctl/session.h"
#include "load/ldata.h"

struct fleet;

enum lc_state { LC_IDLE = 0, LC_HANDSHAKE, LC_UP, LC_CLOSING };

struct lclient {
	struct fleet *f;
	unsigned idx;
	enum lc_state st;
	int fd;
	bool sess_up;
	bool churned;          /* reconnecting as a churn cycle */
	bool echo_ok;          /* an echo reply came back */
	bool cc_exit;          /* the server speaks "EXIT" (protocol-flags) */
	const char *fail_why;  /* set inside a session callback, acted on
				* after the session call returned */
	struct session sess;
	struct push push;
	struct ldata *data;    /* heap, once UP */
	uint64_t start_ms, due_ms, retry_ms, close_ms;
	uint64_t next_ka_ms, next_echo_ms;
	uint64_t echo_t0_ms, echo_sent;  /* --pps: since when, how many */
	unsigned ka_ms;
};

/* Open the socket and send the reset. 0 or -errno (the client stays
 * IDLE). */
int lclient_start(struct lclient *c, uint64_t now_ms);
/* Timers: retransmits, PUSH_REQUEST, keepalive, echo, close. */
void lclient_tick(struct lclient *c, uint64_t now_ms);
/* Graceful disconnect of an UP client: EXIT, then CLOSING. */
void lclient_close(struct lclient *c, uint64_t now_ms);
/* Free everything now; the client is IDLE. */
void lclient_drop(struct lclient *c);

#endif
