/*
 * Receive path, on the link worker: transport -> decrypt in place -> tun.
 * Non-data packets go up to the control plane untouched. A UDP GRO train (many
 * datagrams the kernel handed over as one) is split into its datagrams
 * first. With tun offloads, decrypted TCP segments are coalesced back into
 * super-packets before the write. Every drop is counted.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "dco/compstub.h"
#include "dco/engine.h"
#include "dco/l2.h"
#include "io/tcp.h"
#include "io/udp.h"
#include "io/vnet.h"
#include "proto/datapkt.h"
#include "proto/opcode.h"

static void rx_control(struct worker *w, struct peer *peer, const struct pkt *p)
{
	struct dco_event ev;

	if (peer) {
		stat_add(&peer->stats[worker_key_ctx(w)].link_rx_packets, 1);
		stat_add(&peer->stats[worker_key_ctx(w)].link_rx_bytes, p->len);
	}
	if (p->len > DCO_CONTROL_MAX) {
		DCO_STAT_ADD(w, peer, drop_malformed, 1);
		return;
	}
	DCO_STAT_ADD(w, peer, control_rx, 1);
	ev.type = DCO_EV_CONTROL;
	ev.peer_id = peer ? peer->id : DCO_PEER_ID_NONE;
	ev.reason = DCO_DEL_TEARDOWN;
	ev.key_id = opcode_key_id(p->data[0]);
	ev.fd = p->sock;
	ev.addr_len = p->addrlen;
	if (p->addrlen)
		memcpy(&ev.addr, &p->addr, p->addrlen);
	local_to_api(&p->local, &ev.local);
	ev.len = p->len;
	memcpy(ev.data, p->data, p->len);
	notify_push(&w->dco->notify, &ev);
}

/* Which peer sent this data packet? V2 carries the id; V1 only the address. */
static struct peer *rx_peer_of(struct dco *dco, const struct pkt *p)
{
	if (dco->static_key)	/* no header at all */
		return peer_only(dco);
	if (opcode_of(p->data[0]) == P_DATA_V2) {
		if (p->len < DATAPKT_V2_HDR_LEN)
			return NULL;
		return peer_find(dco, datapkt_peer_id(p->data));
	}
	if (dco->mode == DCO_MODE_P2P)
		return peer_only(dco);
	return p->addrlen ? peer_find_by_addr(dco, &p->addr, p->addrlen) : NULL;
}

static void rx_count_error(struct worker *w, struct peer *peer, int err)
{
	switch (err) {
	case -EBADMSG:
		DCO_STAT_ADD(w, peer, drop_decrypt, 1);
		break;
	case -EALREADY:
		DCO_STAT_ADD(w, peer, drop_replay, 1);
		break;
	case -ENOKEY:   /* an epoch (dco/epoch.h) we hold no key for */
		DCO_STAT_ADD(w, peer, drop_no_key, 1);
		break;
	default:
		DCO_STAT_ADD(w, peer, drop_malformed, 1);
		break;
	}
	log_limited(&w->rl_drop, 5000, LOG_DEBUG,
		    "peer %u: data packet dropped: %s", peer->id,
		    err == -EBADMSG ? "authentication failed" :
		    err == -EALREADY ? "replayed or too old" : "malformed");
}

/*
 * A UDP peer that authenticated from a new address has moved: follow it
 * (peer_float compares without a lock and publishes a new address only
 * when it changed). With --multihome the local address it came to is
 * followed the same way: replies leave from where the client now sends.
 */
static void rx_float(struct worker *w, struct peer *peer, const struct pkt *p)
{
	/* Filled only when the peer moved: the event is large (it can carry
	 * a control packet) and this runs for every data packet. */
	struct dco_event ev;

	/* A server with several sockets (one per --local): a peer answers
	 * from the socket it came to, whose family may not even reach the
	 * new address; so it floats within that socket only. */
	if (peer->transport != DCO_TRANSPORT_UDP || !p->addrlen ||
	    p->sock != peer->fd ||
	    !peer_float(w, peer, &p->addr, p->addrlen, &p->local))
		return;
	memset(&ev, 0, offsetof(struct dco_event, data));
	ev.type = DCO_EV_PEER_FLOAT;
	ev.peer_id = peer->id;
	ev.fd = p->sock;
	ev.addr_len = p->addrlen;
	memcpy(&ev.addr, &p->addr, p->addrlen);
	local_to_api(&p->local, &ev.local);
	notify_push(&w->dco->notify, &ev);
	log_info("peer %u floated to a new address", peer->id);
}

/*
 * MP mode: a peer may only send from its own addresses (its VPN address or
 * an iroute), as OpenVPN's server checks; with client-to-client, a packet
 * for another peer goes straight to it. Returns true if the packet was
 * fully handled here (dropped or forwarded).
 */
static bool rx_mp_route(struct worker *w, struct peer *peer, struct pkt *p,
			uint64_t now_ms)
{
	struct peer *dst;

	if (!peer_owns_source(w->dco, peer, p->data, p->len, now_ms)) {
		DCO_STAT_ADD(w, peer, drop_bad_source, 1);
		/* verb 4, as OpenVPN's "bad source address" (D_MULTI_DROPPED):
		 * clients' IPv6 link-local and multicast chatter lands here
		 * all the time; the counter keeps the number. */
		log_limited(&w->rl_drop, 5000, LOG_DEBUG,
			    "peer %u: packet from a source address that is not "
			    "its own, dropped", peer->id);
		return true;
	}
	if (!w->dco->client_to_client)
		return false;
	dst = peer_route(w->dco, p->data, p->len, now_ms);
	if (!dst || dst == peer)
		return false;
	tx_forward(w, dst, p);
	return true;
}

/*
 * One worker at a time decrypts for a peer: its decrypt context and replay
 * window are not shared. Steering (mq.c) keeps a peer on its home worker,
 * so the claim is never contended there; a packet that meets another
 * worker's claim anyway is dropped rather than waited for.
 */
static bool rx_claim(struct worker *w, struct peer *peer)
{
	if (w->dco->n_workers == 1)
		return true;
	if (!atomic_flag_test_and_set_explicit(&peer->rx_claim,
					       memory_order_acquire))
		return true;
	DCO_STAT_ADD(w, peer, drop_busy, 1);
	return false;
}

static void rx_unclaim(struct worker *w, struct peer *peer)
{
	if (w->dco->n_workers > 1)
		atomic_flag_clear_explicit(&peer->rx_claim, memory_order_release);
}

/*
 * A UDP data packet read by a worker that is not its peer's home goes to
 * the home's queue (handoff.h): one thread decrypts for a peer. Returns
 * true if @p was taken (queued, or dropped as the queue was full); a
 * packet too large for a slot stays and is decrypted here, under the
 * claim.
 */
static bool rx_handoff(struct worker *w, struct peer *peer,
		       const struct pkt *p)
{
	struct worker *home;
	int err;

	if (w->dco->n_workers == 1)
		return false;
	home = peer_home(w->dco, peer);
	if (home == w || !home->ho.slots)
		return false;
	err = handoff_push(&home->ho, p);
	if (err == -EMSGSIZE)
		return false;
	if (err) {
		DCO_STAT_ADD(w, peer, drop_handoff, 1);
		return true;
	}
	DCO_STAT_ADD(w, peer, handed_off, 1);
	w->ho_woken |= 1u << home->idx;
	return true;
}

/*
 * Decrypt one data packet in place. Returns true if it now holds an IP packet
 * for the tun; pings and rejected packets are fully handled here.
 */
static bool rx_data(struct worker *w, struct pkt *p, struct peer *tcp_peer,
		    uint64_t now_ms)
{
	/* A TCP stream belongs to one peer; UDP packets say whose they are. */
	struct peer *peer = tcp_peer ? tcp_peer : rx_peer_of(w->dco, p);
	struct keyslot *ks;
	uint32_t wire_len;
	int err;

	if (!peer) {
		/* a V2 header cut short is malformed; a whole one names a peer
		 * we do not have */
		if (!tcp_peer && opcode_of(p->data[0]) == P_DATA_V2 &&
		    p->len < DATAPKT_V2_HDR_LEN)
			DCO_STAT_ADD(w, (struct peer *)NULL, drop_malformed, 1);
		else
			DCO_STAT_ADD(w, (struct peer *)NULL, drop_no_peer, 1);
		return false;
	}
	if (!tcp_peer && rx_handoff(w, peer, p))
		return false;
	stat_add(&peer->stats[worker_key_ctx(w)].link_rx_packets, 1);
	stat_add(&peer->stats[worker_key_ctx(w)].link_rx_bytes, p->len);
	ks = w->dco->static_key ? peer_primary(peer) :
				  peer_key_by_id(peer, opcode_key_id(p->data[0]));
	if (!ks) {
		DCO_STAT_ADD(w, peer, drop_no_key, 1);
		return false;
	}
	wire_len = p->len;
	if (!rx_claim(w, peer))
		return false;
	err = keyslot_decrypt(ks, p, now_ms);
	if (!err)
		rx_float(w, peer, p);
	rx_unclaim(w, peer);
	if (err) {
		rx_count_error(w, peer, err);
		return false;
	}
	DCO_STAT_ADD(w, peer, link_rx_auth_bytes, wire_len);
	atomic_store_explicit(&peer->last_rx_ms, now_ms, memory_order_relaxed);
	if (compstub_unwrap(peer->comp, p)) {
		/* really compressed (dcovpn never decompresses) or garbled */
		DCO_STAT_ADD(w, peer, drop_malformed, 1);
		return false;
	}
	if (datapkt_is_ping(p->data, p->len)) {
		DCO_STAT_ADD(w, peer, keepalive_rx, 1);
		return false;
	}
	/* Only IP reaches a tun (whole frames a tap); OCC and anything else
	 * stop here, as the drivers do (PROTOCOL.md 5.7). */
	if (!l2_payload_ok(w->dco->tap, p->data, p->len)) {
		DCO_STAT_ADD(w, peer, drop_malformed, 1);
		return false;
	}
	if (w->dco->mss)
		l2_mss_clamp(w->dco->tap, p->data, p->len, w->dco->mss);
	if (w->dco->mode == DCO_MODE_MP &&
	    (w->dco->l2 ? l2_rx_mp(w, peer, p, now_ms) : rx_mp_route(w, peer, p, now_ms)))
		return false;
	DCO_STAT_ADD(w, peer, tun_tx_packets, 1);
	DCO_STAT_ADD(w, peer, tun_tx_bytes, p->len);
	p->peer_id = peer->id;
	return true;
}

/* Classify one received packet; true if it should be written to the tun. */
static bool rx_one(struct worker *w, struct pkt *p, struct peer *tcp_peer,
		   uint64_t now_ms)
{
	/* instance-wide here; per peer once the peer is known */
	DCO_STAT_ADD(w, (struct peer *)NULL, link_rx_packets, 1);
	DCO_STAT_ADD(w, (struct peer *)NULL, link_rx_bytes, p->len);
	if (p->len < 1) {
		DCO_STAT_ADD(w, tcp_peer, drop_malformed, 1);
		return false;
	}
	if (!opcode_is_data(p->data[0]) && !w->dco->static_key) {
		struct peer *peer = tcp_peer;

		if (!peer && p->addrlen)
			peer = peer_find_by_addr(w->dco, &p->addr, p->addrlen);
		rx_control(w, peer, p);
		return false;
	}
	return rx_data(w, p, tcp_peer, now_ms);
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

/* Write pkts[0..n) (ready: virtio-net headers pushed if offloaded). */
static void rx_tun_write(struct worker *w, struct pkt *pkts, unsigned n)
{
	struct dco *dco = w->dco;

	if (!n || !atomic_load(&dco->started) || dco->tun.fd < 0)
		return;
	/* its own queue: the kernel then keeps these flows' replies there */
	tun_write_batch(w->tun.fd >= 0 ? &w->tun : &dco->tun, pkts, n);
	w->wrote_tun = true;
}

/* Write decrypted packets pkts[0..n) to the tun, coalescing if offloaded. */
static void rx_to_tun(struct worker *w, struct pkt *pkts, unsigned n)
{
	if (n && w->dco->offload)
		n = vnet_coalesce(pkts, n, w->dco->tun.uso);
	rx_tun_write(w, pkts, n);
}

/*
 * Decrypted packets wait in the worker's segment buffers (w->segs) until the
 * batch is done, so that the segments of one flow coalesce into one tun
 * write even when they came in several GRO trains or single datagrams.
 * With offloads they are coalesced as they come (vnet_gro): the segments
 * of a GRO train can then be decrypted straight onto the end of the
 * super-packet their flow is building (rx_direct).
 */
struct rx_stage {
	struct worker *w;
	bool offload;
	unsigned n;              /* without offloads: packets staged */
	struct vnet_gro gro;     /* with: heads in w->segs.pkts[0..gro.n) */
	/* learned from the last data packet decrypted: where its plaintext
	 * began in its buffer and how much shorter than the datagram it was
	 * (header, packet-id, tag); 0: not yet */
	size_t pull, overhead;
};

static void rx_stage_init(struct rx_stage *st, struct worker *w)
{
	st->w = w;
	st->offload = w->dco->offload;
	st->n = 0;
	st->pull = st->overhead = 0;
	vnet_gro_init(&st->gro, w->segs.pkts, w->dco->tun.uso);
}

static void rx_stage_flush(struct rx_stage *st)
{
	unsigned n = st->offload ? vnet_gro_finish(&st->gro) : st->n;

	rx_tun_write(st->w, st->w->segs.pkts, n);
	st->n = 0;
}

/* The next free staging buffer (making room if all are used). */
static struct pkt *rx_stage_slot(struct rx_stage *st)
{
	if (st->offload ? vnet_gro_full(&st->gro) : st->n == DCO_MAX_SEGS)
		rx_stage_flush(st);
	return &st->w->segs.pkts[st->offload ? st->gro.n : st->n];
}

/* The slot now holds a packet for the tun: keep it (or merge it). */
static void rx_stage_keep(struct rx_stage *st)
{
	if (st->offload)
		vnet_gro_add(&st->gro);
	else
		st->n++;
}

static void rx_learn(struct rx_stage *st, const struct pkt *p,
		     const uint8_t *start, size_t wire_len)
{
	st->pull = (size_t)(p->data - start);
	st->overhead = wire_len - p->len;
}

/* The metadata of a datagram of @train, in @s. */
static void rx_train_meta(struct pkt *s, const struct pkt *train)
{
	s->sock = train->sock;
	s->addrlen = train->addrlen;
	memcpy(&s->addr, &train->addr, train->addrlen);
	s->local = train->local;
}

/* Bytes in front of a head's tail that rx_direct may overwrite for a moment:
 * the longest data-packet header and IP + TCP headers, with room to spare. */
#define RX_DIRECT_SPAN 256u

/*
 * Where, for rx_direct, a datagram of @len bytes would be decrypted to: in
 * front of @head's tail by what precedes the payload (data-packet header,
 * @hl of IP and transport headers), or NULL if that does not fit.
 */
static uint8_t *rx_direct_dest(const struct rx_stage *st,
			       const struct pkt *head, size_t hl, size_t len)
{
	size_t span = st->pull + hl;
	uint8_t *tail = head->data + head->len;

	if (span > RX_DIRECT_SPAN || head->len < span + hl ||
	    (size_t)(head->base + head->cap - tail) + span < len)
		return NULL;
	return tail - span;
}

/*
 * Decrypt the data packet @d (@len bytes of @train) straight onto the
 * tail of the super-packet that its flow is building, when it looks like
 * the next segment of that flow: the payload is then not copied again.
 * The head's bytes overwritten for the moment by the packet's headers are
 * put back. A packet that was not what it seemed is copied to a buffer of
 * its own and staged as usual. Returns false if not tried.
 */
static bool rx_direct(struct rx_stage *st, const struct pkt *train,
		      const uint8_t *d, size_t len, uint64_t now_ms)
{
	struct dco *dco = st->w->dco;
	uint8_t save[RX_DIRECT_SPAN];
	struct pkt *head, q, *s;
	uint8_t *dest, *tail;
	size_t hl;

	/* forwarding (client-to-client, a tap's switch) would encrypt in
	 * place, pushing into the head's bytes */
	if (!st->offload || !st->overhead || len <= st->overhead ||
	    vnet_gro_full(&st->gro) ||
	    (dco->mode == DCO_MODE_MP && (dco->client_to_client || dco->l2)))
		return false;
	head = vnet_gro_hint(&st->gro, len - st->overhead, &hl);
	dest = head ? rx_direct_dest(st, head, hl, len) : NULL;
	if (!dest)
		return false;
	tail = head->data + head->len;
	memcpy(save, dest, (size_t)(tail - dest));
	q = (struct pkt){ .data = dest, .len = (uint32_t)len, .base = head->base,
			  .cap = head->cap, .src = d };
	rx_train_meta(&q, train);
	memcpy(q.data, d, PKT_SRC_HEAD);
	if (rx_one(st->w, &q, NULL, now_ms)) {
		rx_learn(st, &q, dest, len);
		if (q.data + hl != tail || !vnet_gro_merge(&st->gro, &q)) {
			s = &st->w->segs.pkts[st->gro.n];
			pkt_reset(s);
			memcpy(s->data, q.data, q.len);
			s->len = q.len;
			s->peer_id = q.peer_id;
			rx_train_meta(s, train);
			memcpy(dest, save, (size_t)(tail - dest));
			vnet_gro_add(&st->gro);
			return true;
		}
	}
	memcpy(dest, save, (size_t)(tail - dest));
	return true;
}

/*
 * Split a GRO train into its datagrams, each in a segment buffer where it
 * can be decrypted and grown by coalescing. A data packet's header is
 * copied and its ciphertext left in the train: decryption reads it from
 * there and writes the plaintext in place (pkt.h: src), so the bulk of the
 * bytes is not copied first.
 */
static void rx_train(struct rx_stage *st, const struct pkt *train,
		     uint64_t now_ms)
{
	for (size_t off = 0; off < train->len; off += train->gso_size) {
		const uint8_t *d = train->data + off;
		size_t len = train->len - off < train->gso_size ?
				     train->len - off : train->gso_size;
		bool deferred = len > PKT_SRC_HEAD &&
				(opcode_is_data(d[0]) || st->w->dco->static_key);
		struct pkt *s;

		if (deferred && rx_direct(st, train, d, len, now_ms))
			continue;
		s = rx_stage_slot(st);
		pkt_reset(s);
		memcpy(s->data, d, deferred ? PKT_SRC_HEAD : len);
		s->src = deferred ? d : NULL;
		s->len = (uint32_t)len;
		rx_train_meta(s, train);
		if (!rx_one(st->w, s, NULL, now_ms))
			continue;
		if (deferred)
			rx_learn(st, s, s->base + PKT_HEADROOM, len);
		rx_stage_keep(st);
	}
}

/* A single datagram: its buffer is traded into the stage, not copied. */
static void rx_single(struct rx_stage *st, struct pkt *p, uint64_t now_ms)
{
	struct pkt *s = rx_stage_slot(st);

	swap_pkt(s, p);
	if (rx_one(st->w, s, NULL, now_ms))
		rx_stage_keep(st);
}

/* The group's name (the attached fd) for whichever socket it came in on:
 * peers and the control plane know a socket by that. */
static void rx_name_sock(struct worker *w, unsigned group, struct pkt *pkts,
			 int n)
{
	int name = w->dco->udp_fds[group];

	for (int i = 0; i < n; i++)
		pkts[i].sock = name;
}

void rx_udp(struct worker *w, unsigned group, uint64_t now_ms)
{
	int fd = group < DCO_MAX_UDP_SOCKETS ? w->udp_fd[group] : -1;
	struct pkt *pkts = w->pool.pkts;
	unsigned rounds = 0;
	int n;

	/* A few batches per wake-up, then let the other sockets run. */
	while (rounds++ < 8) {
		struct rx_stage st;

		rx_stage_init(&st, w);
		for (unsigned i = 0; i < DCO_BATCH; i++)
			pkt_reset(&pkts[i]);
		n = fd < 0 ? -EBADF : udp_recv_batch(fd, pkts, DCO_BATCH);
		if (n <= 0)
			return;
		rx_name_sock(w, group, pkts, n);
		for (int i = 0; i < n; i++) {
			if (pkts[i].gso_size && pkts[i].len > pkts[i].gso_size)
				rx_train(&st, &pkts[i], now_ms);
			else
				rx_single(&st, &pkts[i], now_ms);
		}
		rx_stage_flush(&st);
		handoff_wake_homes(w);
		if ((unsigned)n < DCO_BATCH)
			return;
	}
}

/* One handed-off packet into a stage slot, decrypted from the queue slot
 * (pkt.h: src) like a datagram of a GRO train. */
static void rx_handoff_one(struct rx_stage *st, const struct handoff_slot *hs,
			   uint64_t now_ms)
{
	struct pkt *s = rx_stage_slot(st);
	bool deferred = hs->len > PKT_SRC_HEAD;

	pkt_reset(s);
	memcpy(s->data, hs->data, deferred ? PKT_SRC_HEAD : hs->len);
	s->src = deferred ? hs->data : NULL;
	s->len = hs->len;
	s->sock = hs->sock;
	s->addrlen = hs->addrlen;
	memcpy(&s->addr, &hs->addr, hs->addrlen);
	s->local = hs->local;
	if (rx_data(st->w, s, NULL, now_ms))
		rx_stage_keep(st);
}

void rx_handoff_drain(struct worker *w, uint64_t now_ms)
{
	struct rx_stage st;
	struct handoff_slot *hs;
	unsigned budget = HANDOFF_SLOTS;

	rx_stage_init(&st, w);
	handoff_disarm(&w->ho);
	while (budget-- && (hs = handoff_peek(&w->ho))) {
		rx_handoff_one(&st, hs, now_ms);
		/* the plaintext is in the stage slot now */
		handoff_release(&w->ho);
	}
	rx_stage_flush(&st);
	handoff_wake_homes(w);
	/* more than one round's worth: come back after the other fds */
	if (handoff_peek(&w->ho) && handoff_needs_wake(&w->ho))
		worker_wake(w);
}

struct tcp_rx_ctx {
	struct worker *w;
	struct peer *peer;
	uint64_t now_ms;
	unsigned n;          /* decrypted packets gathered in w->segs */
};

static int rx_tcp_frame(void *arg, uint8_t *frame, size_t len)
{
	struct tcp_rx_ctx *c = arg;
	struct pkt *p = &c->w->segs.pkts[c->n];

	if (len > PKT_DATA_MAX) {
		DCO_STAT_ADD(c->w, c->peer, drop_malformed, 1);
		return 0;
	}
	/* Copy out of the stream buffer: the packet needs headroom for the
	 * virtio-net header and tailroom for coalescing. */
	pkt_reset(p);
	memcpy(p->data, frame, len);
	p->len = (uint32_t)len;
	p->sock = c->peer->fd;
	p->local.family = 0;	/* a stream: none (rx_control reports it) */
	if (rx_one(c->w, p, c->peer, c->now_ms))
		c->n++;
	if (c->n == DCO_MAX_SEGS) {
		rx_to_tun(c->w, c->w->segs.pkts, c->n);
		c->n = 0;
	}
	return 0;
}

void rx_tcp(struct worker *w, struct peer *p, uint64_t now_ms)
{
	struct tcp_rx_ctx ctx = { w, p, now_ms, 0 };
	int err = tcp_stream_read(&p->tcp, rx_tcp_frame, &ctx);

	rx_to_tun(w, w->segs.pkts, ctx.n);
	handoff_wake_homes(w);
	if (err == 0 || err == -EAGAIN)
		return;
	if (err == -EPROTO)
		DCO_STAT_ADD(w, p, drop_malformed, 1);
	log_info("peer %u: TCP connection %s", p->id,
		 err == -ECONNRESET ? "closed by peer" : "broken");
	peer_mark_dead(w->dco, p, DCO_DEL_TRANSPORT);
}
