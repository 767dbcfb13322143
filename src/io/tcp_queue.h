/*
 * --tcp-queue-limit: how many packets wait, none of their bytes written
 * yet, in a TCP stream's send queue. OpenVPN's server counts such packets
 * per client (its deferred link output) and drops a data packet from the
 * tun while more than the limit wait; the packet being written is not
 * counted. The stream's queue is bytes, so the start offset of each frame
 * queued whole is kept here, in stream coordinates, in a ring.
 */
#ifndef DCOVPN_IO_TCP_QUEUE_H
#define DCOVPN_IO_TCP_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct tcp_queue {
	unsigned limit;       /* 0: not counted */
	uint64_t *start;      /* ring of frame starts, oldest at head */
	unsigned head, n, cap;
	uint64_t in, out;     /* stream bytes accepted / written so far */
};

/* 0 or -ENOMEM; @limit 0 frees and stops counting. */
int tcp_queue_set_limit(struct tcp_queue *q, unsigned limit);
void tcp_queue_free(struct tcp_queue *q);
/* A frame of @len bytes handed to the stream, of which @sent bytes were
 * written at once (the rest queued). */
void tcp_queue_frame(struct tcp_queue *q, uint64_t len, uint64_t sent);
/* @n queued bytes were written. */
void tcp_queue_wrote(struct tcp_queue *q, uint64_t n);
/* True when a data packet must be dropped: more than the limit wait. */
static inline bool tcp_queue_full(const struct tcp_queue *q)
{
	return q->limit && q->n > q->limit;
}

#endif
