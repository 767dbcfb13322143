/*
 * Send path, on the tun worker: tun -> (split super-packets) -> route to a
 * peer -> encrypt in place -> transport. The encrypted datagrams of a batch
 * leave in as few system calls as possible: sendmmsg, and UDP GSO trains of
 * equal-sized datagrams where the socket takes them.
 */
#include <errno.h>
#include <string.h>

#include "dco/compstub.h"
#include "dco/engine.h"
#include "dco/l2.h"
#include "dco/tos.h"
#include "io/tcp.h"
#include "io/udp.h"
#include "io/vnet.h"

static void tx_report_near_wrap(struct worker *w, struct peer *p,
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
	notify_push(&w->dco->notify, &ev);
}

/* Encrypt @pkt for @p with the primary key; 0 or -errno (counted). The
 * caller fills in the destination address. */
int tx_encrypt(struct worker *w, struct peer *p, struct pkt *pkt)
{
	struct keyslot *ks = peer_primary(p);
	int err;

	if (!ks) {
		DCO_STAT_ADD(w, p, drop_no_key, 1);
		return -ENOKEY;
	}
	err = compstub_wrap(p->comp, pkt);
	if (!err)
		err = keyslot_encrypt(ks, worker_key_ctx(w), pkt,
				      p->id, p->tx_v1);
	if (err == -ERANGE || keyslot_near_wrap(ks))
		tx_report_near_wrap(w, p, ks);
	if (err) {
		DCO_STAT_ADD(w, p, drop_tx_error, 1);
		return err;
	}
	pkt->sock = p->fd;
	pkt->peer_id = p->id;
	return 0;
}

/*
 * Queue the encrypted segments of one super-packet on a TCP peer's stream
 * in one system call; a full send queue drops them, as a congested link
 * would.
 */
static int tx_tcp_many(struct worker *w, struct peer *p, struct pkt *segs,
			unsigned n)
{
	uint64_t bytes = 0;
	bool was_pending;
	int err;

	for (unsigned i = 0; i < n; i++)
		bytes += segs[i].len;
	worker_lock(w, &p->tx_lock);
	was_pending = backlog_pending(p);
	err = tcp_stream_send_many(&p->tcp, segs, n);
	if (err && err != -ENOBUFS && err != -ENOSPC)
		peer_mark_dead(w->dco, p, DCO_DEL_TRANSPORT);
	backlog_update(w->dco, p, was_pending);
	pthread_mutex_unlock(&p->tx_lock);
	if (err == -ENOBUFS) {
		DCO_STAT_ADD(w, p, drop_tx_error, n);
		return err;
	}
	if (err == -ENOSPC) {
		DCO_STAT_ADD(w, p, drop_tx_queue, n);
		log_limited(&w->rl_txq, 5000, LOG_DEBUG, "peer %u: MULTI: packet "
			    "dropped due to output saturation (--tcp-queue-limit "
			    "%u)", p->id, p->tcp.q.limit);
		return err;
	}
	if (err)
		return err;
	DCO_STAT_ADD(w, p, link_tx_packets, n);
	DCO_STAT_ADD(w, p, link_tx_bytes, bytes);
	return 0;
}

void tx_tcp_flush(struct worker *w, struct peer *p)
{
	bool was_pending;

	worker_lock(w, &p->tx_lock);
	was_pending = backlog_pending(p);
	if (tcp_stream_flush(&p->tcp))
		peer_mark_dead(w->dco, p, DCO_DEL_TRANSPORT);
	backlog_update(w->dco, p, was_pending);
	pthread_mutex_unlock(&p->tx_lock);
}

/* Send one encrypted packet now (keepalive, client-to-client). */
int tx_send_one(struct worker *w, struct peer *p, struct pkt *pkt)
{
	unsigned failed = 0;

	if (p->transport == DCO_TRANSPORT_TCP)
		return tx_tcp_many(w, p, pkt, 1);
	pkt->addrlen = peer_remote(p, &pkt->addr, &pkt->local);
	if (udp_send_batch(p->fd, pkt, 1, &failed) != 1 || failed) {
		DCO_STAT_ADD(w, p, drop_tx_error, 1);
		return -EIO;
	}
	DCO_STAT_ADD(w, p, link_tx_packets, 1);
	DCO_STAT_ADD(w, p, link_tx_bytes, pkt->len);
	return 0;
}

int tx_send_msg(struct worker *w, struct peer *p, const uint8_t *msg,
		size_t len)
{
	struct pkt *pkt = &w->segs.pkts[DCO_MAX_SEGS - 1];
	int err;

	pkt_reset(pkt);
	memcpy(pkt->data, msg, len);
	pkt->len = (uint32_t)len;
	err = tx_encrypt(w, p, pkt);
	return err ? err : tx_send_one(w, p, pkt);
}

/* Which group @fd names (rx_name_sock); -1 if none. */
static int tx_group(struct dco *dco, int fd)
{
	for (unsigned i = 0; i < atomic_load(&dco->n_udp); i++)
		if (dco->udp_fds[i] == fd)
			return (int)i;
	return -1;
}

/*
 * Count pkts[0..n) as sent, per peer. Consecutive datagrams nearly always
 * belong to one peer (the segments of one super-packet): one look-up and
 * one count per run of them, not per datagram.
 */
static void tx_count_sent(struct worker *w, const struct pkt *pkts, unsigned n)
{
	unsigned i = 0;

	while (i < n) {
		uint32_t id = pkts[i].peer_id;
		uint64_t bytes = 0;
		unsigned run = 0;
		struct peer *p;

		for (; i < n && pkts[i].peer_id == id; i++, run++)
			bytes += pkts[i].len;
		p = peer_find(w->dco, id);
		DCO_STAT_ADD(w, p, link_tx_packets, run);
		DCO_STAT_ADD(w, p, link_tx_bytes, bytes);
	}
}

/* Send the UDP packets pkts[0..n) grouped by socket, in order. */
void tx_flush_udp(struct worker *w, struct pkt *pkts, unsigned n)
{
	unsigned start = 0;

	while (start < n) {
		unsigned end = start + 1, failed = 0;
		int g = tx_group(w->dco, pkts[start].sock);
		/* out of this worker's own socket of the group where it has one */
		int fd = g >= 0 && w->udp_fd[g] >= 0 ? w->udp_fd[g] :
						       pkts[start].sock;
		int sent;

		while (end < n && pkts[end].sock == pkts[start].sock)
			end++;
		sent = udp_send_batch_gso(fd, pkts + start, end - start, &failed,
					  g >= 0 && w->udp_fd[g] >= 0 ?
						  &w->udp_gso[g] : NULL);
		if (sent < 0)
			sent = 0;
		/* Attribution per peer follows the batch order; a datagram
		 * refused mid-batch shifts it, the totals stay right. */
		tx_count_sent(w, pkts + start, (unsigned)sent);
		/* What the socket would not take (full buffer) is lost, as on
		 * any congested link; inner TCP recovers. */
		stat_add(&w->stats.drop_tx_error, (end - start) - (unsigned)sent);
		start = end;
	}
}

/* Encrypt segs[0..n) for @p, keeping those that succeeded at the front. */
static unsigned tx_encrypt_all(struct worker *w, struct peer *p,
			       struct pkt *segs, unsigned n)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < n; i++) {
		if (tx_encrypt(w, p, &segs[i]))
			continue;
		if (i != ok) {
			struct pkt t = segs[ok];

			segs[ok] = segs[i];
			segs[i] = t;
		}
		ok++;
	}
	return ok;
}

/*
 * Encrypt segs[0..n) (plaintext for @p, all of one destination) and send
 * them: UDP datagrams are compacted to the front of the staging array from
 * *to->out on, to be flushed for the whole batch; TCP ones go onto their
 * stream now. Only @p's home runs this where there are several workers
 * (tx_handoff.c): the packet-ids it takes leave in order.
 */
void tx_deliver(struct worker *w, struct peer *p, struct pkt *segs,
		unsigned n, const struct tx_dest *to)
{
	atomic_store_explicit(&p->last_tx_ms, to->now_ms, memory_order_relaxed);
	n = tx_encrypt_all(w, p, segs, n);
	if (p->transport == DCO_TRANSPORT_TCP) {
		tx_tcp_many(w, p, segs, n);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		struct pkt *s = &segs[i];

		memcpy(&s->addr, &to->remote, to->remote_len);
		s->addrlen = to->remote_len;
		s->local = to->local;
		/* *out never passes s: the slot holds s or a spent packet */
		if (s != &w->segs.pkts[*to->out]) {
			struct pkt t = w->segs.pkts[*to->out];

			w->segs.pkts[*to->out] = *s;
			*s = t;
		}
		(*to->out)++;
	}
}

/* --passtos: segs[0..n) are one tun read, their headers alike. */
static void tx_mark_tos(const struct worker *w, struct pkt *segs, unsigned n)
{
	uint16_t tos = tos_mark(w->dco->tap, segs[0].data, segs[0].len);

	for (unsigned i = 0; i < n; i++)
		segs[i].tos = tos;
}

/*
 * Route segs[0..n) (all from one tun read, so one destination), then
 * deliver them here, or hand them to their peer's home.
 */
static void tx_segments(struct worker *w, struct pkt *segs, unsigned n,
			unsigned *out, uint64_t now_ms)
{
	struct peer *p;
	struct tx_dest to = { .out = out, .now_ms = now_ms };

	if (w->dco->passtos)
		tx_mark_tos(w, segs, n);
	if (w->dco->l2) {
		/* an MP tap: frames one by one (no offloads), switched */
		DCO_STAT_ADD(w, (struct peer *)NULL, tun_rx_packets, n);
		for (unsigned i = 0; i < n; i++)
			l2_tx_mp(w, &segs[i], now_ms);
		return;
	}
	p = peer_route(w->dco, segs[0].data, segs[0].len, now_ms);

	for (unsigned i = 0; i < n; i++) {
		DCO_STAT_ADD(w, p, tun_rx_packets, 1);
		DCO_STAT_ADD(w, p, tun_rx_bytes, segs[i].len);
	}
	if (!p) {
		DCO_STAT_ADD(w, p, drop_no_route, n);
		return;
	}
	to.remote_len = peer_remote(p, &to.remote, &to.local);
	if (tx_recursive(w, segs[0].data, segs[0].len, &to.remote,
			 to.remote_len)) {
		DCO_STAT_ADD(w, p, drop_no_route, n);
		return;
	}
	if (w->dco->mss)
		l2_mss_clamp(w->dco->tap, segs[0].data, segs[0].len,
			     w->dco->mss);
	if (!tx_handoff(w, p, segs, n))
		tx_deliver(w, p, segs, n, &to);
}

/* Turn one tun read into segments at w->segs.pkts[*used...]; count them. */
static int tx_split(struct worker *w, struct pkt *in, unsigned *used)
{
	struct pkt *segs = w->segs.pkts + *used;
	int in_place = 1, n = 1;

	/* Even a packet used in place needs a staging slot; leave @in as it
	 * was so the caller can flush and call again. */
	if (*used >= DCO_MAX_SEGS)
		return -ENOSPC;
	if (w->dco->offload) {
		n = vnet_segment(in, segs, DCO_MAX_SEGS - *used, &in_place);
		if (n < 0)
			return n;
	}
	if (in_place) {
		/* Trade buffers: the packet joins the staging array as is. */
		struct pkt t = *segs;

		*segs = *in;
		*in = t;
	}
	return n;
}

static void tx_stage_reset(struct worker *w, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++)
		pkt_reset(&w->segs.pkts[i]);
}

static void tx_tun_drain(struct worker *w, uint64_t now_ms)
{
	struct pkt *pkts = w->pool.pkts, *segs = w->segs.pkts;
	/* super-packets are up to 64 KiB: read fewer at a time */
	unsigned batch = w->dco->offload ? 8 : DCO_BATCH;
	unsigned rounds = 0;

	/* a backed-up TCP stream (backlog.c) stops the reads between rounds */
	while (rounds++ < 8 && !atomic_load(&w->dco->tun_paused)) {
		unsigned used = 0, out = 0;
		int n;

		for (unsigned i = 0; i < batch; i++)
			pkt_reset(&pkts[i]);
		n = tun_read_batch(&w->tun, pkts, batch);
		if (n <= 0)
			return;
		tx_stage_reset(w, 0, DCO_MAX_SEGS);
		for (int i = 0; i < n; i++) {
			int k = tx_split(w, &pkts[i], &used);

			if (k == -ENOSPC && used) {
				tx_flush_udp(w, segs, out);
				tx_stage_reset(w, 0, used);
				used = out = 0;
				k = tx_split(w, &pkts[i], &used);
			}
			if (k <= 0) {
				DCO_STAT_ADD(w, (struct peer *)NULL, drop_malformed, 1);
				continue;
			}
			tx_segments(w, segs + used, (unsigned)k, &out, now_ms);
			used += (unsigned)k;
		}
		tx_flush_udp(w, segs, out);
		handoff_wake_homes(w);
		if ((unsigned)n < batch)
			return;
	}
}

void tx_tun(struct worker *w, uint64_t now_ms)
{
	/* each worker reads its own queue: nothing to share */
	if (w->tun.fd >= 0)
		tx_tun_drain(w, now_ms);
}
