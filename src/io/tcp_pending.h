/*
 * The TCP server's front door: connections accepted but not yet a client.
 *
 * A TCP connection costs the server a descriptor and memory before it has
 * proved anything, and anyone can open thousands and send nothing (or one
 * byte a second). So until a connection's first complete frame (PROTOCOL.md
 * 1.1: 16-bit length, packet) has arrived and been judged, it lives here,
 * small (no buffer until the length is known) and bounded:
 *
 *  - at most max_total such connections, and at most max_per_src from one
 *    source (an IPv4 address; an IPv6 /64, what one host usually holds); a
 *    new connection over a limit evicts the oldest one in that limit's set,
 *    so a flood cannot keep a real client out: its connection is the
 *    newest, and it sends its reset at once;
 *  - each has timeout_ms to complete its first frame, and that frame may
 *    be at most frame_max bytes;
 *  - when accept() runs out of descriptors the oldest is closed to make
 *    room (or, if there is none, accepting pauses a moment instead of
 *    spinning on a listening socket that stays readable).
 *
 * The first frame goes to the owner's callback (the server checks it is an
 * authentic client reset and makes a client), which takes the descriptor
 * or refuses the connection. Evictions, time-outs and refusals are counted
 * and logged at most once per TCP_PENDING_LOG_MS.
 *
 * Per-source counts are found by walking the list: it never holds more than
 * max_total entries, and a walk is cheap next to an accept().
 *
 * Not thread-safe: the control thread's loop owns it.
 */
#ifndef DCOVPN_IO_TCP_PENDING_H
#define DCOVPN_IO_TCP_PENDING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ev/loop.h"

#define TCP_PENDING_MAX_TOTAL 1024u
#define TCP_PENDING_MAX_PER_SRC 32u
#define TCP_PENDING_TIMEOUT_MS 5000u
#define TCP_PENDING_LOG_MS 10000u
#define TCP_PENDING_PAUSE_MS 100u    /* accept() out of descriptors */
#define TCP_PENDING_ACCEPT_BATCH 64u /* accepts per loop pass */

struct tcp_pending_limits {
	unsigned max_total;
	unsigned max_per_src;
	unsigned timeout_ms;
	size_t frame_max;
};

/*
 * A connection's first frame (@frame, @len bytes, may be modified) from
 * @addr. The callback's descriptor @fd is no longer watched here: return 0
 * when it has taken @fd (and watches it itself), or < 0 to refuse (@fd is
 * then closed here).
 */
typedef int (*tcp_pending_first_cb)(void *ctx, int fd,
				    const struct sockaddr_storage *addr,
				    socklen_t addr_len, uint8_t *frame,
				    size_t len);

/*
 * Optional (port-share): a connection whose first bytes are not OpenVPN's
 * (2.6 ps.c is_openvpn_protocol: a length of 14..255 and a client reset
 * opcode, or 336..1278 with a tls-crypt-v2 reset) goes here with the
 * @len bytes already read (they belong to the stream). Return 0 when it
 * took @fd, < 0 to have it closed here.
 */
typedef int (*tcp_pending_foreign_cb)(void *ctx, int fd,
				      const struct sockaddr_storage *addr,
				      socklen_t addr_len, const uint8_t *head,
				      size_t len);

struct tcp_pending_stats {
	uint64_t accepted;        /* connections taken in */
	uint64_t handed;          /* first frames the callback took */
	uint64_t foreign;         /* other protocols passed on (port-share) */
	uint64_t refused;         /* first frames the callback refused,
				   * or a bad length */
	uint64_t evicted_src;     /* oldest of a source over max_per_src */
	uint64_t evicted_total;   /* oldest of all over max_total */
	uint64_t evicted_fds;     /* closed: accept() had no descriptor */
	uint64_t timed_out;       /* no first frame within timeout_ms */
	uint64_t closed;          /* the peer closed or reset first */
};

struct tcp_pending_conn;

struct tcp_pending {
	struct loop *loop;
	struct tcp_pending_limits lim;
	tcp_pending_first_cb first;
	tcp_pending_foreign_cb foreign;  /* NULL: not OpenVPN is refused */
	void *ctx;
	int listen_fd;                   /* -1: not listening */
	uint64_t paused_until_ms;        /* 0: accepting */
	struct tcp_pending_conn *oldest, *newest;
	unsigned n;
	struct tcp_pending_stats st;
	uint64_t log_ms;                 /* last log of losses */
	uint64_t logged_losses;          /* losses counted in that log */
};

/* Zero fields of @lim take the TCP_PENDING_* defaults (frame_max:
 * TCP_FRAME_MAX). @first gets each first frame, with @ctx. */
void tcp_pending_init(struct tcp_pending *tp, struct loop *l,
		      const struct tcp_pending_limits *lim,
		      tcp_pending_first_cb first, void *ctx);
/* Pass connections of other protocols to @foreign (with tcp_pending_init's
 * @ctx) instead of closing them. */
void tcp_pending_set_foreign(struct tcp_pending *tp, tcp_pending_foreign_cb cb);
/* Accept on @listen_fd (non-blocking, listening; still the caller's to
 * close after tcp_pending_free). 0 or -errno from loop_add. */
int tcp_pending_listen(struct tcp_pending *tp, int listen_fd);
/* Close every pending connection and stop watching the listening socket. */
void tcp_pending_free(struct tcp_pending *tp);

/*
 * Take a freshly accepted connection @fd (non-blocking) from @addr at
 * @now_ms, evicting as the limits say. 0, or -errno (@fd closed).
 * tcp_pending_listen's accept loop calls it; exported for tests.
 */
int tcp_pending_add(struct tcp_pending *tp, int fd,
		    const struct sockaddr_storage *addr, socklen_t addr_len,
		    uint64_t now_ms);

/* Close connections past their time, resume a paused accept; returns the
 * next time this needs to run (LOOP_NO_DEADLINE: nothing pending). */
uint64_t tcp_pending_tick(struct tcp_pending *tp, uint64_t now_ms);

static inline unsigned tcp_pending_count(const struct tcp_pending *tp)
{
	return tp->n;
}

#endif
