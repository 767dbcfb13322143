/*
 * The engine's event queue towards the control plane: a bounded ring guarded
 * by its own mutex, and an eventfd in semaphore mode holding one count per
 * queued event, so the control plane can poll it with everything else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "dco/engine.h"

int notify_init(struct notify *n)
{
	memset(n, 0, sizeof(*n));
	n->ring = calloc(DCO_EVENT_QUEUE, sizeof(*n->ring));
	if (!n->ring)
		return -ENOMEM;
	n->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
	if (n->efd < 0) {
		free(n->ring);
		n->ring = NULL;
		return -errno;
	}
	pthread_mutex_init(&n->lock, NULL);
	return 0;
}

void notify_free(struct notify *n)
{
	if (!n->ring)
		return;
	close(n->efd);
	pthread_mutex_destroy(&n->lock);
	free(n->ring);
	n->ring = NULL;
}

/* Copies only the header and ev->len bytes of data: events are mostly small. */
static void event_copy(struct dco_event *dst, const struct dco_event *src)
{
	size_t len = src->len <= DCO_CONTROL_MAX ? src->len : DCO_CONTROL_MAX;

	memcpy(dst, src, offsetof(struct dco_event, data));
	dst->len = len;
	memcpy(dst->data, src->data, len);
}

/*
 * An empty ring starts again at its first slot. The slots are 2 KiB each
 * and the ring is touched lazily: if the head kept going round, every
 * control packet would touch fresh pages until the whole ring (2.2 MB) is
 * resident, which looks like a leak of ~20 kB per renegotiation. This way
 * only as many slots as the queue was ever deep stay resident.
 */
static void notify_rewind(struct notify *n)
{
	if (!n->count)
		n->head = 0;
}

void notify_push(struct notify *n, const struct dco_event *ev)
{
	uint64_t one = 1;

	pthread_mutex_lock(&n->lock);
	if (n->count == DCO_EVENT_QUEUE) {
		/* The control plane is not keeping up; drop rather than block
		 * the data path. Control packets are retransmitted anyway. */
		n->dropped++;
		pthread_mutex_unlock(&n->lock);
		return;
	}
	event_copy(&n->ring[(n->head + n->count) % DCO_EVENT_QUEUE], ev);
	n->count++;
	if (write(n->efd, &one, sizeof(one)) < 0) {
		/* Cannot happen below 2^64-1 counts; the ring bounds us. */
	}
	pthread_mutex_unlock(&n->lock);
}

int notify_pop(struct notify *n, struct dco_event *ev)
{
	uint64_t val;

	pthread_mutex_lock(&n->lock);
	if (!n->count) {
		pthread_mutex_unlock(&n->lock);
		return -EAGAIN;
	}
	if (read(n->efd, &val, sizeof(val)) < 0) {
		/* count and eventfd move together under the lock */
	}
	event_copy(ev, &n->ring[n->head]);
	n->head = (n->head + 1) % DCO_EVENT_QUEUE;
	n->count--;
	notify_rewind(n);
	pthread_mutex_unlock(&n->lock);
	return 0;
}

void notify_purge(struct notify *n, uint32_t peer_id)
{
	unsigned kept = 0;
	uint64_t val;

	pthread_mutex_lock(&n->lock);
	for (unsigned i = 0; i < n->count; i++) {
		struct dco_event *ev = &n->ring[(n->head + i) % DCO_EVENT_QUEUE];

		if (ev->peer_id == peer_id) {
			/* one count less in the eventfd, as notify_pop does */
			if (read(n->efd, &val, sizeof(val)) < 0) {
				/* count and eventfd move together under the lock */
			}
			continue;
		}
		if (kept != i)
			event_copy(&n->ring[(n->head + kept) % DCO_EVENT_QUEUE], ev);
		kept++;
	}
	n->count = kept;
	notify_rewind(n);
	pthread_mutex_unlock(&n->lock);
}
