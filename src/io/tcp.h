/*
 * TCP transport: OpenVPN's stream framing, a 16-bit big-endian length before
 * each packet (PROTOCOL.md 1.1), over a non-blocking socket.
 */
#ifndef DCOVPN_IO_TCP_H
#define DCOVPN_IO_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/pkt.h"
#include "io/tcp_queue.h"

#define TCP_FRAME_MAX 65535u

struct tcp_stream {
	int fd;
	uint8_t *rx;            /* reassembly buffer */
	size_t rx_len, rx_cap;
	uint8_t *tx;            /* bytes the socket did not take yet */
	size_t tx_off, tx_len, tx_cap;
	struct tcp_queue q;     /* --tcp-queue-limit (tcp_queue_set_limit) */
	uint16_t tos;           /* --passtos: PKT_TOS_SET | the TOS last set
				 * on the socket; 0: never set */
};

/* Blocking helpers for setting up a connection (bounded by @timeout_ms);
 * both return a connected, non-blocking fd or -errno. */
int tcp_connect(const struct sockaddr *local, socklen_t local_len,
		const struct sockaddr *remote, socklen_t remote_len,
		unsigned timeout_ms);
/* The same with --mark/--bind-dev/--mtu-disc (io/sockopt.h; NULL: none). */
struct sock_opts;
int tcp_connect_so(const struct sockaddr *local, socklen_t local_len,
		   const struct sockaddr *remote, socklen_t remote_len,
		   unsigned timeout_ms, const struct sock_opts *so);
int tcp_accept_from(const struct sockaddr *local, socklen_t local_len,
		    const struct sockaddr *remote, socklen_t remote_len,
		    unsigned timeout_ms);

/* Write all of @buf to a (possibly non-blocking) stream socket, waiting at
 * most @timeout_ms in all; 0, -ETIMEDOUT or -errno. For set-up traffic
 * before a stream is handed to the engine. */
int tcp_write_all(int fd, const uint8_t *buf, size_t len, unsigned timeout_ms);

/* Takes ownership of @fd. */
int tcp_stream_init(struct tcp_stream *s, int fd);
void tcp_stream_free(struct tcp_stream *s);

/*
 * Read what the socket has and call @on_frame for each complete frame (the
 * frame bytes may be modified in place, e.g. decrypted). Returns 0 when the
 * socket would block, -ECONNRESET when the peer closed, -EPROTO on a frame
 * length of 0, or another -errno. Stops early if @on_frame returns < 0 and
 * returns that value.
 */
int tcp_stream_read(struct tcp_stream *s,
		    int (*on_frame)(void *ctx, uint8_t *frame, size_t len),
		    void *ctx);

/*
 * Frame and send @p (the 2-byte length is pushed into its headroom). What the
 * socket does not take is queued; returns 0, -ENOBUFS if the queue is full
 * (packet dropped), or -errno on a broken connection.
 */
int tcp_stream_send(struct tcp_stream *s, struct pkt *p);
/*
 * Frame and send @n packets in one system call (a segmented super-packet):
 * all are queued or none (-ENOBUFS, packets untouched; -ENOSPC when more
 * packets than the stream's tcp_queue limit wait). At most
 * TCP_SEND_MANY_MAX packets. A TOS on the first (pkt->tos, --passtos)
 * becomes the socket's for what it sends from then on, when it changes.
 */
#define TCP_SEND_MANY_MAX 128u
int tcp_stream_send_many(struct tcp_stream *s, struct pkt *pkts, unsigned n);
/* Same for a plain buffer (control packets). */
int tcp_stream_send_buf(struct tcp_stream *s, const uint8_t *buf, size_t len);
/* Push queued bytes; 0 when all sent or would block, -errno when broken. */
int tcp_stream_flush(struct tcp_stream *s);
static inline bool tcp_stream_pending(const struct tcp_stream *s)
{
	return s->tx_len > 0;
}

#endif
