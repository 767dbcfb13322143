/* Free-id queue. See idq.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/idq.h"

int idq_init(struct idq *q, uint32_t n)
{
	memset(q, 0, sizeof(*q));
	if (!n)
		return -EINVAL;
	q->v = malloc((size_t)n * sizeof(*q->v));
	if (!q->v)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		q->v[i] = i;
	q->cap = n;
	q->count = n;
	return 0;
}

void idq_free(struct idq *q)
{
	free(q->v);
	memset(q, 0, sizeof(*q));
}

int64_t idq_take(struct idq *q)
{
	uint32_t id;

	if (!q->count)
		return -1;
	id = q->v[q->head];
	q->head = q->head + 1 == q->cap ? 0 : q->head + 1;
	q->count--;
	return id;
}

void idq_put(struct idq *q, uint32_t id)
{
	uint32_t tail = q->head + q->count;

	if (q->count == q->cap)
		return;    /* more given back than taken: keep the ring sane */
	q->v[tail >= q->cap ? tail - q->cap : tail] = id;
	q->count++;
}
