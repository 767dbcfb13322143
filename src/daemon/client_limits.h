/*
 * When a client gives up, as OpenVPN 2.6 decides it:
 *  - connect-retry-max N: each remote is tried N times (attempts since the
 *    last successful connection), then the client exits with an error;
 *  - server-poll-timeout N (the same as connect-timeout, default 120): no
 *    packet from the server within N seconds of an attempt's start moves on
 *    to the next remote at once ("Server poll timeout, restarting");
 *  - inactive N [BYTES]: exit when the tunnel carried no more than BYTES
 *    (default 0) in N seconds (a server ends that client's instance). As
 *    OpenVPN with DCO, the engine's counters are read when the period ends,
 *    and a busy period starts the next one;
 *  - session-timeout N: the session ends N seconds after it began.
 */
#ifndef DCOVPN_DAEMON_CLIENT_LIMITS_H
#define DCOVPN_DAEMON_CLIENT_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/options.h"

struct client_retry {
	unsigned limit;		/* attempts in all; 0: unlimited */
	unsigned failed;	/* since the last success */
	int max_per_remote;	/* connect-retry-max, for the message */
};

void client_retry_init(struct client_retry *r, const struct options *o);
/* An attempt ended: true (and logged) when no further one may be made. */
bool client_retry_exhausted(struct client_retry *r, bool was_up);

/* The end of the server poll of an attempt started at @now_ms; 0: none. */
uint64_t client_poll_deadline(const struct options *o, uint64_t now_ms);
/* True (and logged) once @deadline passed without a packet @heard. */
bool client_poll_expired(uint64_t deadline, bool heard, uint64_t now_ms);

struct client_inactive {
	uint64_t period_ms;	/* 0: --inactive not set */
	int64_t min_bytes;
	uint64_t deadline_ms;
	uint64_t base_bytes;	/* tunnel bytes when the period began */
};

void client_inactive_start(struct client_inactive *t, const struct options *o,
			   uint64_t now_ms);
/* The period ended (@tun_bytes: the tunnel's bytes both ways so far): true
 * when it carried too little; else the next period begins. */
bool client_inactive_expired(struct client_inactive *t, uint64_t tun_bytes,
			     uint64_t now_ms);

/* session-timeout N: the end of a session started at @now_ms; 0: none.
 * When it comes, OpenVPN logs "Session timeout, exiting" and ends with
 * SIGTERM (a client exits; a server ends only that client's instance). */
uint64_t client_session_deadline(const struct options *o, uint64_t now_ms);

#endif
