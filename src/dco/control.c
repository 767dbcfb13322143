/*
 * Control packets going down: they leave through the engine's own sockets so
 * that one socket carries both channels exactly as on the wire.
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

int dco_send_control(struct dco *dco, uint32_t peer_id, const uint8_t *pkt,
		     size_t len)
{
	struct peer *p;
	int err = control_check(pkt, len);

	if (err)
		return err;
	pthread_mutex_lock(&dco->lock);
	p = peer_find(dco, peer_id);
	if (!p)
		err = -ENOENT;
	else if (p->transport == DCO_TRANSPORT_UDP)
		err = control_udp(p->fd, (const struct sockaddr *)&p->remote,
				  p->remote_len, pkt, len);
	else
		err = tcp_stream_send_buf(&p->tcp, pkt, len);
	if (!err) {
		DCO_STAT_ADD(dco, p, control_tx, 1);
		DCO_STAT_ADD(dco, p, link_tx_packets, 1);
		DCO_STAT_ADD(dco, p, link_tx_bytes, len);
	}
	pthread_mutex_unlock(&dco->lock);
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
	pthread_mutex_lock(&dco->lock);
	err = control_udp(fd, to, to_len, pkt, len);
	if (!err) {
		DCO_STAT_ADD(dco, (struct peer *)NULL, control_tx, 1);
		DCO_STAT_ADD(dco, (struct peer *)NULL, link_tx_packets, 1);
		DCO_STAT_ADD(dco, (struct peer *)NULL, link_tx_bytes, len);
	}
	pthread_mutex_unlock(&dco->lock);
	return err;
}
