/* --tcp-queue-limit's packet count (see tcp_queue.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/tcp.h"
#include "io/tcp_queue.h"

int tcp_queue_set_limit(struct tcp_queue *q, unsigned limit)
{
	tcp_queue_free(q);
	if (!limit)
		return 0;
	/* past the limit only control frames and the segments of one
	 * super-packet still come in; a frame the ring has no room for is
	 * not counted (the byte bound still holds) */
	q->cap = limit + 2 * TCP_SEND_MANY_MAX;
	q->start = calloc(q->cap, sizeof(*q->start));
	if (!q->start) {
		q->cap = 0;
		return -ENOMEM;
	}
	q->limit = limit;
	return 0;
}

void tcp_queue_free(struct tcp_queue *q)
{
	free(q->start);
	memset(q, 0, sizeof(*q));
}

void tcp_queue_frame(struct tcp_queue *q, uint64_t len, uint64_t sent)
{
	uint64_t at = q->in;

	q->in += len;
	q->out += sent;
	if (!q->limit || sent || q->n == q->cap)
		return;
	q->start[(q->head + q->n) % q->cap] = at;
	q->n++;
}

void tcp_queue_wrote(struct tcp_queue *q, uint64_t n)
{
	q->out += n;
	/* a frame whose first byte went out is being written: not waiting */
	while (q->n && q->start[q->head] < q->out) {
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
}
