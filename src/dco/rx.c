/*
 * Receive path: transport -> decrypt in place -> tun. Non-data packets go up
 * to the control plane untouched. Every drop is counted on the instance and,
 * when known, on the peer.
 */
#include <errno.h>
#include <string.h>

#include "base/clock.h"
#include "dco/engine.h"
#include "io/tcp.h"
#include "io/udp.h"
#include "proto/datapkt.h"
#include "proto/opcode.h"

static void rx_control(struct dco *dco, struct peer *peer, const struct pkt *p)
{
	struct dco_event ev;

	if (p->len > DCO_CONTROL_MAX) {
		DCO_STAT_ADD(dco, peer, drop_malformed, 1);
		return;
	}
	DCO_STAT_ADD(dco, peer, control_rx, 1);
	ev.type = DCO_EV_CONTROL;
	ev.peer_id = peer ? peer->id : DCO_PEER_ID_NONE;
	ev.reason = DCO_DEL_TEARDOWN;
	ev.key_id = opcode_key_id(p->data[0]);
	ev.fd = p->sock;
	ev.addr_len = p->addrlen;
	if (p->addrlen)
		memcpy(&ev.addr, &p->addr, p->addrlen);
	ev.len = p->len;
	memcpy(ev.data, p->data, p->len);
	notify_push(&dco->notify, &ev);
}

/* Which peer sent this data packet? V2 carries the id; V1 only the address. */
static struct peer *rx_peer_of(struct dco *dco, const struct pkt *p)
{
	if (opcode_of(p->data[0]) == P_DATA_V2) {
		if (p->len < DATAPKT_V2_HDR_LEN)
			return NULL;
		return peer_find(dco, datapkt_peer_id(p->data));
	}
	if (dco->mode == DCO_MODE_P2P)
		return peer_only(dco);
	return p->addrlen ? peer_find_by_addr(dco, &p->addr, p->addrlen) : NULL;
}

static void rx_count_error(struct dco *dco, struct peer *peer, int err)
{
	switch (err) {
	case -EBADMSG:
		DCO_STAT_ADD(dco, peer, drop_decrypt, 1);
		break;
	case -EALREADY:
		DCO_STAT_ADD(dco, peer, drop_replay, 1);
		break;
	default:
		DCO_STAT_ADD(dco, peer, drop_malformed, 1);
		break;
	}
	log_limited(&dco->rl_drop, 5000, LOG_DEBUG,
		    "peer %u: data packet dropped: %s", peer->id,
		    err == -EBADMSG ? "authentication failed" :
		    err == -EALREADY ? "replayed or too old" : "malformed");
}

/* A UDP peer that authenticated from a new address has moved: follow it. */
static void rx_float(struct dco *dco, struct peer *peer, const struct pkt *p)
{
	struct dco_event ev = { .type = DCO_EV_PEER_FLOAT, .peer_id = peer->id };

	if (peer->transport != DCO_TRANSPORT_UDP || !p->addrlen ||
	    sockaddr_equal(&peer->remote, peer->remote_len, &p->addr, p->addrlen))
		return;
	memcpy(&peer->remote, &p->addr, p->addrlen);
	peer->remote_len = p->addrlen;
	ev.fd = p->sock;
	ev.addr_len = p->addrlen;
	memcpy(&ev.addr, &p->addr, p->addrlen);
	notify_push(&dco->notify, &ev);
	log_info("peer %u floated to a new address", peer->id);
}

/*
 * Decrypt one data packet in place. Returns true if it now holds an IP packet
 * for the tun; pings and rejected packets are fully handled here.
 */
static bool rx_data(struct dco *dco, struct pkt *p, struct peer *tcp_peer,
		    uint64_t now_ms)
{
	/* A TCP stream belongs to one peer; UDP packets say whose they are. */
	struct peer *peer = tcp_peer ? tcp_peer : rx_peer_of(dco, p);
	struct keyslot *ks;
	int err;

	if (!peer) {
		DCO_STAT_ADD(dco, (struct peer *)NULL, drop_no_peer, 1);
		return false;
	}
	ks = peer_key_by_id(peer, opcode_key_id(p->data[0]));
	if (!ks) {
		DCO_STAT_ADD(dco, peer, drop_no_key, 1);
		return false;
	}
	err = keyslot_decrypt(ks, p, now_ms);
	if (err) {
		rx_count_error(dco, peer, err);
		return false;
	}
	peer->last_rx_ms = now_ms;
	rx_float(dco, peer, p);
	if (datapkt_is_ping(p->data, p->len)) {
		DCO_STAT_ADD(dco, peer, keepalive_rx, 1);
		return false;
	}
	/* Only IP reaches the tun; OCC and anything else stop here, as the
	 * drivers do (PROTOCOL.md 5.7). */
	if (p->len < 20 || (p->data[0] >> 4 != 4 && p->data[0] >> 4 != 6)) {
		DCO_STAT_ADD(dco, peer, drop_malformed, 1);
		return false;
	}
	DCO_STAT_ADD(dco, peer, tun_tx_packets, 1);
	DCO_STAT_ADD(dco, peer, tun_tx_bytes, p->len);
	p->peer_id = peer->id;
	return true;
}

/* Classify one received packet; true if it should be written to the tun. */
static bool rx_one(struct dco *dco, struct pkt *p, struct peer *tcp_peer,
		   uint64_t now_ms)
{
	DCO_STAT_ADD(dco, tcp_peer, link_rx_packets, 1);
	DCO_STAT_ADD(dco, tcp_peer, link_rx_bytes, p->len);
	if (p->len < 1) {
		DCO_STAT_ADD(dco, tcp_peer, drop_malformed, 1);
		return false;
	}
	if (!opcode_is_data(p->data[0])) {
		struct peer *peer = tcp_peer;

		if (!peer && p->addrlen)
			peer = peer_find_by_addr(dco, &p->addr, p->addrlen);
		rx_control(dco, peer, p);
		return false;
	}
	return rx_data(dco, p, tcp_peer, now_ms);
}

static void swap_pkt(struct pkt *a, struct pkt *b)
{
	struct pkt t;

	if (a == b)
		return;
	t = *a;
	*a = *b;
	*b = t;
}

void rx_udp(struct dco *dco, int fd, uint64_t now_ms)
{
	struct pkt *pkts = dco->rx_pool.pkts;
	unsigned rounds = 0;
	int n;

	/* A few batches per wake-up, then let the other direction run. */
	while (rounds++ < 8) {
		unsigned out = 0;

		for (unsigned i = 0; i < DCO_BATCH; i++)
			pkt_reset(&pkts[i]);
		n = udp_recv_batch(fd, pkts, DCO_BATCH);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++)
			if (rx_one(dco, &pkts[i], NULL, now_ms))
				swap_pkt(&pkts[out++], &pkts[i]);
		if (out && dco->started)
			tun_write_batch(&dco->tun, pkts, out);
		if ((unsigned)n < DCO_BATCH)
			return;
	}
}

struct tcp_rx_ctx {
	struct dco *dco;
	struct peer *peer;
	uint64_t now_ms;
};

static int rx_tcp_frame(void *arg, uint8_t *frame, size_t len)
{
	struct tcp_rx_ctx *c = arg;
	struct pkt p = {
		.data = frame, .len = (uint32_t)len, .base = frame,
		.cap = (uint32_t)len, .sock = c->peer->fd,
		.peer_id = c->peer->id,
	};

	/* The peer's own packets on its own stream; its address never floats. */
	if (rx_one(c->dco, &p, c->peer, c->now_ms) && c->dco->started)
		tun_write_batch(&c->dco->tun, &p, 1);
	return 0;
}

void rx_tcp(struct dco *dco, struct peer *p, uint64_t now_ms)
{
	struct tcp_rx_ctx ctx = { dco, p, now_ms };
	int err = tcp_stream_read(&p->tcp, rx_tcp_frame, &ctx);

	if (err == 0 || err == -EAGAIN)
		return;
	if (err == -EPROTO)
		DCO_STAT_ADD(dco, p, drop_malformed, 1);
	log_info("peer %u: TCP connection %s", p->id,
		 err == -ECONNRESET ? "closed by peer" : "broken");
	peer_delete(dco, p, DCO_DEL_TRANSPORT);
}
