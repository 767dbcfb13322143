/*
 * The worker thread: one epoll loop over the tun device, the UDP sockets, the
 * TCP peers and a wake-up eventfd. It takes the instance lock for each batch,
 * so API calls interleave between batches.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "base/clock.h"
#include "dco/engine.h"

#define WORKER_MAX_SLEEP_MS 1000u

static int worker_timeout(struct dco *dco)
{
	uint64_t now = clock_now_ms();
	uint64_t next = dco->next_deadline_ms;

	if (next <= now)
		return 0;
	if (next - now > WORKER_MAX_SLEEP_MS)
		return WORKER_MAX_SLEEP_MS;
	return (int)(next - now);
}

static void worker_drain_wake(struct dco *dco)
{
	uint64_t val;

	while (read(dco->wake_fd, &val, sizeof(val)) > 0)
		;
}

static void worker_handle(struct dco *dco, const struct epoll_event *ev,
			  uint64_t now_ms)
{
	enum ep_kind kind = (enum ep_kind)(ev->data.u64 >> 32);
	uint32_t val = (uint32_t)ev->data.u64;
	struct peer *p;

	switch (kind) {
	case EP_WAKE:
		worker_drain_wake(dco);
		break;
	case EP_TUN:
		if (dco->started)
			tx_tun(dco, now_ms);
		break;
	case EP_UDP:
		rx_udp(dco, (int)val, now_ms);
		break;
	case EP_TCP:
		p = peer_find(dco, val);
		if (p && (ev->events & EPOLLOUT))
			tx_tcp_flush(dco, p);
		p = peer_find(dco, val); /* the flush may have deleted it */
		if (p && (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			rx_tcp(dco, p, now_ms);
		break;
	}
}

static void *worker_main(void *arg)
{
	struct dco *dco = arg;
	struct epoll_event evs[16];

	while (!atomic_load(&dco->stop)) {
		int n;

		pthread_mutex_lock(&dco->lock);
		n = worker_timeout(dco);
		pthread_mutex_unlock(&dco->lock);
		n = epoll_wait(dco->epfd, evs, 16, n);
		if (n < 0 && errno != EINTR) {
			log_err("engine: epoll_wait: %s", strerror(errno));
			break;
		}
		pthread_mutex_lock(&dco->lock);
		for (int i = 0; i < n; i++)
			worker_handle(dco, &evs[i], clock_now_ms());
		keepalive_scan(dco, clock_now_ms());
		pthread_mutex_unlock(&dco->lock);
	}
	return NULL;
}

int worker_start(struct dco *dco)
{
	int err = pthread_create(&dco->worker, NULL, worker_main, dco);

	if (err)
		return -err;
	dco->worker_running = true;
	return 0;
}

void worker_wake(struct dco *dco)
{
	uint64_t one = 1;

	if (write(dco->wake_fd, &one, sizeof(one)) < 0) {
		/* a full counter still wakes the worker */
	}
}

void worker_stop(struct dco *dco)
{
	if (!dco->worker_running)
		return;
	atomic_store(&dco->stop, true);
	worker_wake(dco);
	pthread_join(dco->worker, NULL);
	dco->worker_running = false;
}
