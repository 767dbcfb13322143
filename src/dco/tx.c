/*
 * Send path: tun -> route to a peer -> encrypt in place -> transport.
 * UDP packets of a batch leave in one sendmmsg per socket.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

#include "dco/engine.h"
#include "io/tcp.h"
#include "io/udp.h"

static void tx_report_near_wrap(struct dco *dco, struct peer *p,
				struct keyslot *ks)
{
	struct dco_event ev = {
		.type = DCO_EV_KEY_NEAR_WRAP,
		.peer_id = p->id,
		.key_id = ks->key_id,
		.fd = -1,
	};

	if (ks->near_wrap_reported)
		return;
	ks->near_wrap_reported = true;
	notify_push(&dco->notify, &ev);
}

/* Encrypt @pkt for @p with the primary key; 0 or -errno (counted). */
int tx_encrypt(struct dco *dco, struct peer *p, struct pkt *pkt)
{
	struct keyslot *ks = peer_primary(p);
	int err;

	if (!ks->in_use) {
		DCO_STAT_ADD(dco, p, drop_no_key, 1);
		return -ENOKEY;
	}
	err = keyslot_encrypt(ks, pkt, p->id, p->tx_v1);
	if (err == -ERANGE || keyslot_near_wrap(ks))
		tx_report_near_wrap(dco, p, ks);
	if (err) {
		DCO_STAT_ADD(dco, p, drop_tx_error, 1);
		return err;
	}
	pkt->sock = p->fd;
	pkt->peer_id = p->id;
	if (p->transport == DCO_TRANSPORT_UDP) {
		memcpy(&pkt->addr, &p->remote, p->remote_len);
		pkt->addrlen = p->remote_len;
	}
	return 0;
}

/* Watch for writability only while a TCP peer has bytes queued. */
static void tx_tcp_want_write(struct dco *dco, struct peer *p, bool want)
{
	struct epoll_event ev = {
		.events = EPOLLIN | (want ? EPOLLOUT : 0),
		.data.u64 = ep_tag(EP_TCP, p->id),
	};

	epoll_ctl(dco->epfd, EPOLL_CTL_MOD, p->tcp.fd, &ev);
}

static int tx_tcp(struct dco *dco, struct peer *p, struct pkt *pkt)
{
	bool was_pending = tcp_stream_pending(&p->tcp);
	int err = tcp_stream_send(&p->tcp, pkt);

	if (err == -ENOBUFS) {
		/* Queue full: drop, as a congested link would. */
		DCO_STAT_ADD(dco, p, drop_tx_error, 1);
		return err;
	}
	if (err) {
		peer_delete(dco, p, DCO_DEL_TRANSPORT);
		return err;
	}
	if (!was_pending && tcp_stream_pending(&p->tcp))
		tx_tcp_want_write(dco, p, true);
	return 0;
}

void tx_tcp_flush(struct dco *dco, struct peer *p)
{
	int err = tcp_stream_flush(&p->tcp);

	if (err) {
		peer_delete(dco, p, DCO_DEL_TRANSPORT);
		return;
	}
	if (!tcp_stream_pending(&p->tcp))
		tx_tcp_want_write(dco, p, false);
}

static void tx_count_sent(struct dco *dco, struct pkt *pkt)
{
	struct peer *p = peer_find(dco, pkt->peer_id);

	DCO_STAT_ADD(dco, p, link_tx_packets, 1);
	DCO_STAT_ADD(dco, p, link_tx_bytes, pkt->len);
}

/* Send one already-encrypted packet (keepalive, a lone packet). */
int tx_send_one(struct dco *dco, struct peer *p, struct pkt *pkt)
{
	unsigned failed = 0;
	int n;

	if (p->transport == DCO_TRANSPORT_TCP) {
		uint32_t len = pkt->len;
		int err = tx_tcp(dco, p, pkt);

		if (!err) {
			DCO_STAT_ADD(dco, p, link_tx_packets, 1);
			DCO_STAT_ADD(dco, p, link_tx_bytes, len);
		}
		return err;
	}
	n = udp_send_batch(p->fd, pkt, 1, &failed);
	if (n == 1 && !failed) {
		tx_count_sent(dco, pkt);
		return 0;
	}
	DCO_STAT_ADD(dco, p, drop_tx_error, 1);
	return n < 0 ? n : -EIO;
}

/* Send the UDP packets pkts[0..n) grouped by socket, in order. */
static void tx_flush_udp(struct dco *dco, struct pkt *pkts, unsigned n)
{
	unsigned start = 0;

	while (start < n) {
		unsigned end = start + 1, failed = 0;
		int sent;

		while (end < n && pkts[end].sock == pkts[start].sock)
			end++;
		sent = udp_send_batch(pkts[start].sock, pkts + start,
				      end - start, &failed);
		/* (a datagram refused mid-batch shifts which ones are counted
		 * per peer; the totals stay right) */
		for (int i = 0; sent > 0 && i < sent; i++)
			tx_count_sent(dco, &pkts[start + i]);
		/* What the socket would not take (full buffer) is lost, as on
		 * any congested link; inner TCP recovers. */
		if (sent < 0)
			sent = 0;
		dco->stats.drop_tx_error += (end - start) - (unsigned)sent;
		start = end;
	}
}

/* Route and encrypt one tun packet; true if it is a UDP packet to flush. */
static bool tx_one(struct dco *dco, struct pkt *pkt, uint64_t now_ms)
{
	struct peer *p = peer_route(dco, pkt->data, pkt->len);

	DCO_STAT_ADD(dco, p, tun_rx_packets, 1);
	DCO_STAT_ADD(dco, p, tun_rx_bytes, pkt->len);
	if (!p) {
		DCO_STAT_ADD(dco, p, drop_no_route, 1);
		return false;
	}
	if (tx_encrypt(dco, p, pkt))
		return false;
	p->last_tx_ms = now_ms;
	if (p->transport == DCO_TRANSPORT_UDP)
		return true;
	tx_send_one(dco, p, pkt);
	return false;
}

void tx_tun(struct dco *dco, uint64_t now_ms)
{
	struct pkt *pkts = dco->tx_pool.pkts;
	unsigned rounds = 0;

	while (rounds++ < 8) {
		unsigned out = 0;
		int n;

		for (unsigned i = 0; i < DCO_BATCH; i++)
			pkt_reset(&pkts[i]);
		n = tun_read_batch(&dco->tun, pkts, DCO_BATCH);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			if (!tx_one(dco, &pkts[i], now_ms))
				continue;
			if ((unsigned)i != out) {
				struct pkt t = pkts[out];

				pkts[out] = pkts[i];
				pkts[i] = t;
			}
			out++;
		}
		tx_flush_udp(dco, pkts, out);
		if ((unsigned)n < DCO_BATCH)
			return;
	}
}
