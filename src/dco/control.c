/*
 * Control packets going down: they leave through the engine's own sockets so
 * that one socket carries both channels exactly as on the wire. Called from
 * the control thread, under cfg_lock (peers are freed only under it), while
 * the workers run: it counts into, and encrypts with, its own worker
 * context (DCO_CTL).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "dco/engine.h"
#include "io/tcp.h"
#include "io/udp.h"

static int control_check(const uint8_t *pkt, size_t len)
{
	return pkt && len >= 1 && len <= DCO_CONTROL_MAX ? 0 : -EINVAL;
}

static void control_count(struct dco *dco, struct peer *p, size_t len)
{
	struct worker *w = &dco->workers[DCO_CTL];

	DCO_STAT_ADD(w, p, control_tx, 1);
	DCO_STAT_ADD(w, p, link_tx_packets, 1);
	DCO_STAT_ADD(w, p, link_tx_bytes, len);
}

static int control_to_peer(struct dco *dco, struct peer *p, const uint8_t *pkt,
			   size_t len)
{
	bool was_pending;
	int err;

	if (p->transport == DCO_TRANSPORT_UDP) {
		struct sockaddr_storage remote;
		struct pkt_local local;
		socklen_t remote_len = peer_remote_ctl(dco, p, &remote, &local);

		return udp_send_from(p->fd, pkt, len,
				     (const struct sockaddr *)&remote,
				     remote_len, &local);
	}
	pthread_mutex_lock(&p->tx_lock);
	was_pending = backlog_pending(p);
	err = tcp_stream_send_buf(&p->tcp, pkt, len);
	/* what the socket did not take goes when it is writable */
	backlog_update(dco, p, was_pending);
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
	pthread_mutex_lock(&dco->cfg_lock);
	p = peer_find(dco, peer_id);
	err = p ? control_to_peer(dco, p, pkt, len) : -ENOENT;
	if (!err)
		control_count(dco, p, len);
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

int dco_send_control_to(struct dco *dco, int fd, const struct sockaddr *to,
			socklen_t to_len, const struct dco_local *from,
			const uint8_t *pkt, size_t len)
{
	struct pkt_local local = local_from_api(from);
	int err = control_check(pkt, len);

	if (err)
		return err;
	if (!to || !to_len)
		return -EDESTADDRREQ;
	pthread_mutex_lock(&dco->cfg_lock);
	err = udp_send_from(fd, pkt, len, to, to_len, &local);
	if (!err)
		control_count(dco, NULL, len);
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}

int dco_send_data_msg(struct dco *dco, uint32_t peer_id, const uint8_t *msg,
		      size_t len)
{
	struct peer *p;
	int err = -ENOENT;

	if (!msg || !len || len > DCO_CONTROL_MAX)
		return -EINVAL;
	pthread_mutex_lock(&dco->cfg_lock);
	p = peer_find(dco, peer_id);
	if (p)
		err = tx_send_msg(&dco->workers[DCO_CTL], p, msg, len);
	pthread_mutex_unlock(&dco->cfg_lock);
	return err;
}
