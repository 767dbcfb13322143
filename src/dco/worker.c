/*
 * The worker threads. Each runs one epoll loop over its own fds; a batch is
 * an RCU read-side critical section and the sleep in epoll_wait a quiescent
 * state (engine.h). Dead peers are unlinked here, between batches, under
 * cfg_lock, which a worker only takes while it is offline: the control
 * plane may hold cfg_lock while it waits for a grace period.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/sandbox.h"
#include "dco/engine.h"

#define WORKER_MAX_SLEEP_MS 1000u
#define WORKER_EVENTS 16

int worker_watch(struct worker *w, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* How long a worker may sleep: until its next keepalive deadline. */
static int worker_timeout(struct worker *w)
{
	uint64_t now = clock_now_ms();
	uint64_t next = atomic_load(&w->next_deadline_ms);

	if (next <= now)
		return 0;
	return next - now > WORKER_MAX_SLEEP_MS ? (int)WORKER_MAX_SLEEP_MS :
						  (int)(next - now);
}

static void worker_drain_wake(struct worker *w)
{
	uint64_t val;

	while (read(w->wake_fd, &val, sizeof(val)) > 0)
		;
}

static void worker_tcp_ready(struct worker *w, uint32_t id, uint32_t events,
			     uint64_t now_ms)
{
	struct peer *p = peer_find(w->dco, id);

	if (!p)
		return;
	if (events & EPOLLOUT)
		tx_tcp_flush(w, p);
	if (!atomic_load(&p->dead) && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		rx_tcp(w, p, now_ms);
}

static void worker_handle(struct worker *w, const struct epoll_event *ev,
			  uint64_t now_ms)
{
	enum ep_kind kind = (enum ep_kind)(ev->data.u64 >> 32);
	uint32_t val = (uint32_t)ev->data.u64;

	switch (kind) {
	case EP_WAKE:
		worker_drain_wake(w);
		if (w->ho.slots)
			rx_handoff_drain(w, now_ms);
		if (w->tx_ho.slots)
			tx_handoff_drain(w, now_ms);
		break;
	case EP_TUN:
		if (atomic_load(&w->dco->started))
			tx_tun(w, now_ms);
		break;
	case EP_UDP:
		rx_udp(w, val, now_ms);
		break;
	case EP_TCP:
		worker_tcp_ready(w, val, ev->events, now_ms);
		break;
	}
}

/* Offline (no peer held). */
static void worker_reap(struct dco *dco)
{
	if (!atomic_load(&dco->reap))
		return;
	pthread_mutex_lock(&dco->cfg_lock);
	peer_reap_dead(dco);
	pthread_mutex_unlock(&dco->cfg_lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct dco *dco = w->dco;
	struct epoll_event evs[WORKER_EVENTS];
	int err = sandbox_apply(SANDBOX_ENGINE);

	/* from here on only the system calls packet work needs */
	if (err < 0)
		log_warn("engine: no seccomp filter: %s", strerror(-err));
	rcu_register_thread();
	rcu_thread_offline();
	while (!atomic_load(&dco->stop)) {
		int n = epoll_wait(w->epfd, evs, WORKER_EVENTS, worker_timeout(w));

		if (n < 0 && errno != EINTR) {
			log_err("engine: epoll_wait: %s", strerror(errno));
			break;
		}
		rcu_thread_online();
		for (int i = 0; i < n; i++)
			worker_handle(w, &evs[i], clock_now_ms());
		/* A packet written to the tun is often answered inside that
		 * very write (an echo reply, an ACK), on this worker's queue:
		 * send it now rather than after another epoll round. */
		if (w->wrote_tun && dco->n_workers > 1 && w->tun.fd >= 0) {
			w->wrote_tun = false;
			tx_tun(w, clock_now_ms());
		}
		keepalive_scan(w, clock_now_ms());
		rcu_worker_offline();
		worker_reap(dco);
	}
	rcu_unregister_thread();
	return NULL;
}

static int worker_init(struct worker *w)
{
	int err;

	w->next_deadline_ms = UINT64_MAX;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->epfd < 0 || w->wake_fd < 0)
		return -errno;
	err = worker_watch(w, w->wake_fd, EPOLLIN, ep_tag(EP_WAKE, 0));
	if (!err)
		err = pkt_pool_init(&w->pool, DCO_BATCH);
	if (!err && w->dco->n_workers > 1)
		err = handoff_init(&w->ho, handoff_data_max(w->dco->mtu));
	if (!err && w->dco->n_workers > 1)
		err = handoff_init(&w->tx_ho, handoff_data_max(w->dco->mtu));
	/* Segments get full-size buffers too: received packets coalesce
	 * into them, and tun reads trade buffers with the read pool. */
	if (!err)
		err = pkt_pool_init(&w->segs, DCO_MAX_SEGS);
	return err;
}

/* The control plane's context: buffers and a stats slot, no thread. */
static int worker_init_ctl(struct worker *w, struct dco *dco)
{
	w->dco = dco;
	w->epfd = w->wake_fd = -1;
	return pkt_pool_init(&w->segs, DCO_MAX_SEGS);
}

static void worker_free(struct worker *w)
{
	if (w->wake_fd > 0)
		close(w->wake_fd);
	if (w->epfd > 0)
		close(w->epfd);
	pkt_pool_free(&w->pool);
	pkt_pool_free(&w->segs);
	handoff_free(&w->ho);
	handoff_free(&w->tx_ho);
}

int worker_start_all(struct dco *dco)
{
	int ctl_err = worker_init_ctl(&dco->workers[DCO_CTL], dco);

	if (ctl_err)
		return ctl_err;
	for (unsigned i = 0; i < dco->n_workers; i++) {
		int err = worker_init(&dco->workers[i]);

		if (err)
			return err;
	}
	ctl_err = mq_tun_queues(dco);
	if (ctl_err)
		return ctl_err;
	for (unsigned i = 0; i < dco->n_workers; i++) {
		struct worker *w = &dco->workers[i];
		int err = 0;

		if (!err)
			err = -pthread_create(&w->thread, NULL, worker_main, w);
		if (err)
			return err;
		w->running = true;
	}
	return 0;
}

void worker_wake(struct worker *w)
{
	uint64_t one = 1;

	if (write(w->wake_fd, &one, sizeof(one)) < 0) {
		/* a full counter still wakes the worker */
	}
}

static void worker_wake_queues(struct worker *w, uint32_t *woken, bool tx)
{
	while (*woken) {
		struct worker *home = &w->dco->workers[__builtin_ctz(*woken)];

		*woken &= *woken - 1;
		if (handoff_needs_wake(tx ? &home->tx_ho : &home->ho))
			worker_wake(home);
	}
}

void handoff_wake_homes(struct worker *w)
{
	worker_wake_queues(w, &w->ho_woken, false);
	worker_wake_queues(w, &w->tx_ho_woken, true);
}

void worker_stop_all(struct dco *dco)
{
	atomic_store(&dco->stop, true);
	for (unsigned i = 0; i <= DCO_CTL; i++) {
		struct worker *w = &dco->workers[i];

		if (w->running) {
			worker_wake(w);
			pthread_join(w->thread, NULL);
			w->running = false;
		}
	}
	/* only once every thread is gone: a running one may still hand a
	 * packet to another's queue */
	for (unsigned i = 0; i <= DCO_CTL; i++)
		worker_free(&dco->workers[i]);
}
