/*
 * Sending on the peer's home (handoff.h, engine.h: peer_home). A peer has
 * one packet-id counter; were two threads to take ids from it and each
 * send its own batch, the ids would reach the peer interleaved by up to a
 * batch or more, and a receiver's replay window (OpenVPN's replay-window,
 * 64 by default) drops what falls behind it. So the thread that read a
 * packet from the tun and is not the peer's home copies the plaintext
 * segments into the home's send queue; the home numbers, encrypts and
 * sends them in the order it takes them. Kernel drivers keep order the
 * same way: Linux's ovpn takes the id and encrypts in one run per packet
 * and WireGuard queues a peer's packets and sends them in queue order; here
 * one thread per peer does both.
 *
 * The home's own reads (the tun keeps a flow on the queue that last wrote
 * it, and a peer's packets are written from its home) pay nothing: a
 * comparison per tun read. Super-packets are split before they are handed
 * over: segments of the tunnel MTU fit a slot (handoff_data_max); one
 * larger (a device MTU raised behind the engine's back) is sent where it
 * was read, as before.
 */
#include <errno.h>
#include <string.h>

#include "dco/engine.h"
#include "dco/tos.h"

bool tx_handoff(struct worker *w, struct peer *p, const struct pkt *segs,
		unsigned n)
{
	struct worker *home;

	if (w->dco->n_workers == 1)
		return false;
	home = peer_home(w->dco, p);
	if (home == w || !home->tx_ho.slots)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (segs[i].len > home->tx_ho.data_max)
			return false;
	for (unsigned i = 0; i < n; i++) {
		struct pkt s = segs[i];

		s.peer_id = p->id;
		if (handoff_push(&home->tx_ho, &s)) {
			/* full: lost, as on a congested link */
			DCO_STAT_ADD(w, p, drop_tx_handoff, n - i);
			break;
		}
		DCO_STAT_ADD(w, p, tx_handed_off, 1);
	}
	w->tx_ho_woken |= 1u << home->idx;
	return true;
}

void tx_forward(struct worker *w, struct peer *dst, struct pkt *p)
{
	if (tx_handoff(w, dst, p, 1))
		return;
	if (tx_encrypt(w, dst, p) == 0)
		tx_send_one(w, dst, p);
}

/* The drain's staging: segments in w->segs.pkts, UDP ones encrypted at
 * [0..out), the run of one peer's plaintext at [run..used). */
struct tx_ho_stage {
	struct worker *w;
	uint64_t now_ms;
	unsigned out, run, used;
	uint32_t run_id;
};

/* Encrypt and send (TCP) or stage (UDP) the current run. */
static void tx_ho_run_end(struct tx_ho_stage *st)
{
	struct worker *w = st->w;
	unsigned n = st->used - st->run;
	struct peer *p;
	struct tx_dest to = { .out = &st->out, .now_ms = st->now_ms };

	if (!n)
		return;
	p = peer_find(w->dco, st->run_id);
	if (p) {
		to.remote_len = peer_remote(p, &to.remote, &to.local);
		tx_deliver(w, p, w->segs.pkts + st->run, n, &to);
	} else {
		/* deleted since it was routed to */
		DCO_STAT_ADD(w, (struct peer *)NULL, drop_no_route, n);
	}
	/* staged datagrams now fill [0..out); the rest are spent */
	for (unsigned i = st->out; i < st->used; i++)
		pkt_reset(&w->segs.pkts[i]);
	st->run = st->used = st->out;
}

static void tx_ho_flush(struct tx_ho_stage *st)
{
	tx_ho_run_end(st);
	tx_flush_udp(st->w, st->w->segs.pkts, st->out);
	for (unsigned i = 0; i < st->out; i++)
		pkt_reset(&st->w->segs.pkts[i]);
	st->out = st->run = st->used = 0;
}

/* Copy one slot's plaintext into the staging array, ending the run of
 * another peer first. */
static void tx_ho_take(struct tx_ho_stage *st, const struct handoff_slot *hs)
{
	struct pkt *s;

	if (st->used > st->run && hs->peer_id != st->run_id)
		tx_ho_run_end(st);
	/* the last buffer is tx_send_msg's */
	if (st->used == DCO_MAX_SEGS - 1)
		tx_ho_flush(st);
	st->run_id = hs->peer_id;
	s = &st->w->segs.pkts[st->used++];
	pkt_reset(s);
	memcpy(s->data, hs->data, hs->len);
	s->len = hs->len;
	/* a slot holds no TOS: read it again from the plaintext */
	if (st->w->dco->passtos)
		s->tos = tos_mark(st->w->dco->tap, s->data, s->len);
}

void tx_handoff_drain(struct worker *w, uint64_t now_ms)
{
	struct tx_ho_stage st = { .w = w, .now_ms = now_ms };
	struct handoff_slot *hs;
	unsigned budget = HANDOFF_SLOTS;

	for (unsigned i = 0; i < DCO_MAX_SEGS; i++)
		pkt_reset(&w->segs.pkts[i]);
	handoff_disarm(&w->tx_ho);
	while (budget-- && (hs = handoff_peek(&w->tx_ho))) {
		tx_ho_take(&st, hs);
		handoff_release(&w->tx_ho);
	}
	tx_ho_flush(&st);
	/* more than one round's worth: come back after the other fds */
	if (handoff_peek(&w->tx_ho) && handoff_needs_wake(&w->tx_ho))
		worker_wake(w);
}
