/*
 * Control packets going down: they leave through the engine's own sockets so
 * that one socket carries both channels exactly as on the wire. Called from
 * the control thread, under the write lock: no batch runs meanwhile, so the
 * link worker's counters can be updated here.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "dco/engine.h"
#include "io/tcp.h"

static int control_udp(int fd, const struct sockaddr *to, socklen_t to_len,
		       const uint8_t *pkt, size_t len)
{
	ssize_t n = sendto(fd, pkt, len, MSG_DONTWAIT, to, to_len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

static int control_check(const uint8_t *pkt, size_t len)
{
	return pkt && len >= 1 && len <= DCO_CONTROL_MAX ? 0 : -EINVAL;
}

static void control_count(struct dco *dco, struct peer *p, size_t len)
{
	struct worker *w = &dco->workers[WORKER_LINK];

	DCO_STAT_ADD(w, p, control_tx, 1);
	DCO_STAT_ADD(w, p, link_tx_packets, 1);
	DCO_STAT_ADD(w, p, link_tx_bytes, len);
}

static int control_to_peer(struct peer *p, const uint8_t *pkt, size_t len)
{
	int err;

	if (p->transport == DCO_TRANSPORT_UDP)
		return control_udp(p->fd, (const struct sockaddr *)&p->remote,
				   p->remote_len, pkt, len);
	pthread_mutex_lock(&p->tx_lock);
	err = tcp_stream_send_buf(&p->tcp, pkt, len);
	pthread_mutex_unlock(&p->tx_lock);
	return err;
}

int dco_send_control(struct dco *dco, uint32_t peer_id, const uint8_t *pkt,
		     size_t len)
{
	struct peer *p;
	int err = control_check(pkt, len);

	if (err)
		return err;
	pthread_rwlock_wrlock(&dco->lock);
	p = peer_find(dco, peer_id);
	err = p ? control_to_peer(p, pkt, len) : -ENOENT;
	if (!err)
		control_count(dco, p, len);
	pthread_rwlock_unlock(&dco->lock);
	return err;
}

int dco_send_control_to(struct dco *dco, int fd, const struct sockaddr *to,
			socklen_t to_len, const uint8_t *pkt, size_t len)
{
	int err = control_check(pkt, len);

	if (err)
		return err;
	if (!to || !to_len)
		return -EDESTADDRREQ;
	pthread_rwlock_wrlock(&dco->lock);
	err = control_udp(fd, to, to_len, pkt, len);
	if (!err)
		control_count(dco, NULL, len);
	pthread_rwlock_unlock(&dco->lock);
	return err;
}

int dco_send_data_msg(struct dco *dco, uint32_t peer_id, const uint8_t *msg,
		      size_t len)
{
	struct peer *p;
	int err = -ENOENT;

	if (!msg || !len || len > DCO_CONTROL_MAX)
		return -EINVAL;
	pthread_rwlock_wrlock(&dco->lock);
	/* With the lock held for writing no worker is inside a batch, so the
	 * tun worker's spare buffer and stats slot are free. */
	p = peer_find(dco, peer_id);
	if (p)
		err = tx_send_msg(dco_tun_worker(dco), p, msg, len);
	pthread_rwlock_unlock(&dco->lock);
	return err;
}
