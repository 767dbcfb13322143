/*
 * The control plane's TCP reader, before the engine takes a stream over:
 * OpenVPN's framing (a 16-bit big-endian length before each packet, as
 * io/tcp.h), read one frame at a time and never past its end, so that the
 * socket can change hands at any frame boundary with nothing of the next
 * frame read.
 */
#ifndef DCOVPN_IO_TCP_RX_H
#define DCOVPN_IO_TCP_RX_H

#include <stddef.h>
#include <stdint.h>

#include "io/tcp.h"

struct tcp_rx {
	size_t have;                    /* bytes of the current frame */
	uint8_t buf[2 + TCP_FRAME_MAX]; /* length, then the packet */
};

/*
 * Read from the non-blocking @fd into @rx: 1 when a whole frame is there
 * (its packet at tcp_rx_packet(), its length tcp_rx_len(); the next call
 * starts the next frame), 0 when the socket has nothing more for now,
 * -EPROTO for a frame of length 0, -EPIPE when the peer closed, or the
 * socket's -errno.
 */
int tcp_rx_read(struct tcp_rx *rx, int fd);

static inline const uint8_t *tcp_rx_packet(const struct tcp_rx *rx)
{
	return rx->buf + 2;
}

static inline size_t tcp_rx_len(const struct tcp_rx *rx)
{
	return rx->have - 2;
}

#endif
