/*
 * A TCP peer's send backlog: bytes its socket did not take yet wait in the
 * stream's queue (io/tcp.h). While they wait, the home worker watches the
 * socket for writability; and in P2P mode, where every tun packet is for
 * that one stream, no worker reads the tun, as OpenVPN does over TCP. The
 * senders inside the tunnel then find the tun's queue full and back off
 * (TCP small queues) rather than lose what a full stream queue would drop:
 * with several inner streams those drops cost more than the pause (each
 * loss is a retransmission and a halved window).
 */
#include <sys/epoll.h>

#include "dco/engine.h"

bool backlog_pending(struct peer *p)
{
	return tcp_stream_pending(&p->tcp) && !atomic_load(&p->dead);
}

/* Watch the stream for writability only while bytes wait. */
static void backlog_want_write(struct dco *dco, struct peer *p, bool want)
{
	struct epoll_event ev = {
		.events = EPOLLIN | (want ? EPOLLOUT : 0),
		.data.u64 = ep_tag(EP_TCP, p->id),
	};

	epoll_ctl(peer_home(dco, p)->epfd, EPOLL_CTL_MOD, p->tcp.fd, &ev);
}

/* Stop or restart every worker's tun reads. */
static void backlog_pause_tun(struct dco *dco, bool pause)
{
	if (atomic_exchange(&dco->tun_paused, pause) == pause)
		return;
	for (unsigned i = 0; i < dco->n_workers; i++) {
		struct worker *o = &dco->workers[i];
		struct epoll_event ev = {
			.events = pause ? 0 : EPOLLIN,
			.data.u64 = ep_tag(EP_TUN, 0),
		};

		if (o->tun.fd >= 0)
			epoll_ctl(o->epfd, EPOLL_CTL_MOD, o->tun.fd, &ev);
	}
}

void backlog_update(struct dco *dco, struct peer *p, bool was_pending)
{
	bool pending = backlog_pending(p);

	if (pending == was_pending)
		return;
	backlog_want_write(dco, p, pending);
	if (dco->mode == DCO_MODE_P2P)
		backlog_pause_tun(dco, pending);
}

void backlog_close(struct dco *dco, struct peer *p)
{
	bool was;

	pthread_mutex_lock(&p->tx_lock);
	was = backlog_pending(p);
	atomic_store(&p->dead, true);
	backlog_update(dco, p, was);
	pthread_mutex_unlock(&p->tx_lock);
}
