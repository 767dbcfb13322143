/*
 * Client control channel processor: renegotiation, receiving, timers and
 * the public calls. See session.h; session_ks.h lists the other files.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "base/log.h"
#include "base/mem.h"
#include "ctl/session.h"
#include "ctl/session_keys.h"
#include "ctl/session_ks.h"
#include "ctl/session_wrap.h"

void session_fail(struct session *s, const char *fmt, ...)
{
	char msg[SESSION_ERR_LEN];
	va_list ap;

	if (s->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->failed = true;
	log_err("%s", msg);
	/* kept for who asks (the load generator) only once it failed: a
	 * fixed array cost 256 bytes in every server client */
	free(s->err);
	s->err = strdup(msg);
}

const char *session_error(const struct session *s)
{
	return s->err ? s->err : "session failed";
}

/* ---- renegotiation -------------------------------------------------------- */

static uint8_t session_next_key_id(struct session *s)
{
	s->last_key_id = (uint8_t)((s->last_key_id + 1) & P_KEY_ID_MASK);
	if (s->last_key_id == 0)
		s->last_key_id = 1;
	return s->last_key_id;
}

/* Primary becomes lame duck (the old lame duck goes), a new key state. */
static int session_start_reneg(struct session *s, uint8_t key_id,
			       uint64_t now_ms)
{
	unsigned tran = s->cfg.tran_window_s ? s->cfg.tran_window_s : 3600u;
	struct keystate *ks;
	int ret;

	ret = ks_new(s, key_id, now_ms, &ks);
	if (ret)
		return ret;
	ks_free(s->ks[1]);
	s->ks[1] = s->ks[0];
	s->ks[1]->must_die_ms = now_ms + (uint64_t)tran * 1000u;
	/* No late re-ACK on it: a 2.6 peer takes control packets of its
	 * primary key-id only ("key IDs out of sync" otherwise). */
	s->ks[1]->nudge_ms = 0;
	s->ks[0] = ks;
	s->last_key_id = key_id;
	log_info("TLS: soft reset sec=%u, key-id %u",
		 (unsigned)((now_ms - s->ks[1]->start_ms) / 1000u), key_id);
	ret = ks_queue_reset(s, ks);
	session_keys_update(s, now_ms);
	return ret;
}

static bool session_primary_ready(const struct session *s)
{
	return s->ks[0] && s->ks[0]->state == KS_ACTIVE &&
	       (s->ks[0]->keys_generated || !s->dco);
}

/* ---- receive ------------------------------------------------------------- */

/* Is this packet from our server's session? Learns its id from its reset. */
static bool session_check_sid(struct session *s, const struct ctlpkt *p)
{
	static const uint8_t zero[CTLPKT_SID_LEN];

	if (!s->have_peer_sid && s->cfg.server) {
		/* A server learns the client's id from its first reset. */
		if (p->head.opcode != (s->cfg.v2_server ?
				       P_CONTROL_HARD_RESET_CLIENT_V3 :
				       P_CONTROL_HARD_RESET_CLIENT_V2) ||
		    p->head.key_id != 0 || p->rel.msg_id != 0 ||
		    !memcmp(p->head.sid, zero, sizeof(zero)))
			return false;
		memcpy(s->peer_sid, p->head.sid, CTLPKT_SID_LEN);
		s->have_peer_sid = true;
		return true;
	}
	if (!s->have_peer_sid) {
		/* Only the server's reset, and only one that ACKs ours (every
		 * 2.x server's does; ctlpkt_ack_matches checked the id). */
		if (p->head.opcode != P_CONTROL_HARD_RESET_SERVER_V2 ||
		    p->head.key_id != 0 || p->rel.ack.n == 0 ||
		    !memcmp(p->head.sid, zero, sizeof(zero)))
			return false;
		memcpy(s->peer_sid, p->head.sid, CTLPKT_SID_LEN);
		s->have_peer_sid = true;
		return true;
	}
	return memcmp(s->peer_sid, p->head.sid, CTLPKT_SID_LEN) == 0;
}

static struct keystate *session_ks_for(struct session *s, const struct ctlpkt *p,
				       uint64_t now_ms)
{
	struct keystate *ks = session_ks_by_id(s, p->head.key_id);

	if (ks)
		return ks;
	if (p->head.opcode != P_CONTROL_SOFT_RESET_V1 || p->head.key_id == 0 ||
	    !session_primary_ready(s))
		return NULL;
	if (session_start_reneg(s, p->head.key_id, now_ms))
		return NULL;
	return s->ks[0];
}

static bool session_wrong_direction(const struct session *s, enum opcode op)
{
	if (s->cfg.server && s->cfg.v2_server)
		return op == P_CONTROL_HARD_RESET_SERVER_V2 ||
		       op == P_CONTROL_HARD_RESET_CLIENT_V2;
	if (s->cfg.server)
		return op == P_CONTROL_HARD_RESET_SERVER_V2 ||
		       op == P_CONTROL_HARD_RESET_CLIENT_V3 ||
		       op == P_CONTROL_WKC_V1;
	return op == P_CONTROL_HARD_RESET_CLIENT_V2 ||
	       op == P_CONTROL_HARD_RESET_CLIENT_V3 || op == P_CONTROL_WKC_V1;
}

int session_recv(struct session *s, const uint8_t *pkt, size_t len,
		 uint64_t now_ms)
{
	uint8_t clear[SESSION_PKT_MAX];
	struct keystate *ks;
	struct ctlpkt p;
	bool had_sid;
	size_t clen;
	int ret = 0;

	s->link_rx_bytes += len;
	if (s->failed)
		return -EPROTO;
	if (len < 1 || opcode_is_data(pkt[0]))
		return 0;
	ret = session_unwrap(s, pkt, len, clear, &clen, now_ms);
	if (ret == -EACCES) {
		session_fail(s, "TLS Error: tls-crypt-v2 client key refused by "
			     "--tls-crypt-v2-verify");
		return -EPROTO;
	}
	if (ret)
		goto drop;
	if (ctlpkt_parse_plain(clear, clen, &p))
		goto drop;
	if (session_wrong_direction(s, p.head.opcode))
		goto drop; /* client->client or server->server */
	/* The ACK first: a forged reset must not teach us a session id. */
	had_sid = s->have_peer_sid;
	if (!ctlpkt_ack_matches(&p.rel.ack, s->own_sid) || !session_check_sid(s, &p))
		goto drop;
	s->peer_last_ms = now_ms;
	/* A waiting server's handshake clock starts with the client. */
	if (!had_sid && s->cfg.server)
		ks_restart_clock(s, s->ks[0], now_ms);
	if (!had_sid && s->ops.peer_found)
		s->ops.peer_found(s->ops_ctx);
	ks = session_ks_for(s, &p, now_ms);
	if (!ks)
		goto drop;
	reliable_ack_received(ks->rel, p.rel.ack.ids, p.rel.ack.n);
	if (ctlpkt_opcode_has_msg_id(p.head.opcode))
		reliable_receive(ks->rel, p.head.opcode, p.rel.msg_id,
				 p.rel.payload, p.rel.payload_len);
	ret = session_process(s, ks, now_ms);
	mem_wipe(clear, sizeof(clear));
	return ret;
drop:
	log_msg(LOG_TRACE, "control packet dropped (opcode %u, %zu bytes)",
		(unsigned)opcode_of(pkt[0]), len);
	mem_wipe(clear, sizeof(clear));
	return 0;
}

/* ---- timers --------------------------------------------------------------- */

static void ks_nudge(struct session *s, struct keystate *ks, uint64_t now_ms)
{
	if (!ks || !ks->nudge_ms || now_ms < ks->nudge_ms)
		return;
	ks->nudge_ms = 0;
	/* Only if there is an id to repeat: an empty P_ACK_V1 is invalid. */
	if (s->have_peer_sid &&
	    reliable_ack_overhead(ks->rel, 1) > ctlpkt_ack_len(0))
		session_xmit(s, ks, P_ACK_V1, 0, NULL, 0, RELIABLE_ACK_MAX);
}

static int session_check_deadlines(struct session *s, uint64_t now_ms)
{
	struct keystate *ks = s->ks[0];

	/* A server without a client yet has no handshake to time out. */
	if (ks && ks->state != KS_ACTIVE && now_ms >= ks->hand_deadline_ms &&
	    (s->have_peer_sid || !s->cfg.server)) {
		session_fail(s, "TLS Error: TLS key negotiation failed to occur "
			     "within %u seconds (check your network connectivity)",
			     session_hand_window_ms(s) / 1000u);
		return -ETIMEDOUT;
	}
	ks = s->ks[1];
	if (ks && ks->must_die_ms && now_ms >= ks->must_die_ms) {
		log_info("TLS: lame duck key-id %u expired", ks->key_id);
		ks_free(ks);
		s->ks[1] = NULL;
	}
	return 0;
}

int session_tick(struct session *s, uint64_t now_ms)
{
	int ret;

	if (s->failed)
		return -EPROTO;
	if (session_quiet(s, now_ms))
		return 0;
	ret = session_check_deadlines(s, now_ms);
	if (ret)
		return ret;
	if (s->cfg.reneg_sec && session_primary_ready(s) &&
	    now_ms >= s->ks[0]->start_ms + (uint64_t)s->cfg.reneg_sec * 1000u) {
		ret = session_start_reneg(s, session_next_key_id(s), now_ms);
		if (ret)
			return ret;
	}
	for (unsigned i = 0; i < SESSION_KS_N; i++)
		if (s->ks[i] && session_process(s, s->ks[i], now_ms))
			return -EPROTO;
	for (unsigned i = 0; i < SESSION_KS_N; i++)
		ks_nudge(s, s->ks[i], now_ms);
	session_keys_update(s, now_ms);
	return 0;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t session_next_deadline(const struct session *s)
{
	uint64_t d = RELIABLE_NO_DEADLINE;

	for (unsigned i = 0; i < SESSION_KS_N; i++) {
		const struct keystate *ks = s->ks[i];

		if (!ks)
			continue;
		d = min64(d, reliable_next_deadline(ks->rel));
		if (ks->state != KS_ACTIVE && (s->have_peer_sid || !s->cfg.server))
			d = min64(d, ks->hand_deadline_ms);
		if (ks->must_die_ms)
			d = min64(d, ks->must_die_ms);
		if (ks->nudge_ms)
			d = min64(d, ks->nudge_ms);
		/* The newest key waits in SECONDARY to take over sending;
		 * a lame duck there waits for nothing (its send_after_ms
		 * is long past: counting it would spin the loop). */
		if (i == 0 && ks->keys_generated && ks->dco == KS_DCO_SECONDARY)
			d = min64(d, ks->send_after_ms);
	}
	if (s->cfg.reneg_sec && s->ks[0] && s->ks[0]->state == KS_ACTIVE)
		d = min64(d, s->ks[0]->start_ms + (uint64_t)s->cfg.reneg_sec * 1000u);
	return d;
}

/* ---- public ----------------------------------------------------------------- */

int session_init(struct session *s, const struct session_config *cfg,
		 const struct session_ops *ops, void *ops_ctx, uint64_t now_ms)
{
	static const uint8_t zero[CTLPKT_SID_LEN];
	int ret;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->ops = *ops;
	s->ops_ctx = ops_ctx;
	do {
		if (RAND_bytes(s->own_sid, sizeof(s->own_sid)) != 1)
			return -EIO;
	} while (!memcmp(s->own_sid, zero, sizeof(zero)));
	tlswrap_tx_init(&s->wtx, cfg->v2 ? TLSWRAP_EARLY_NEG_START : 0,
			session_now_s());
	ret = tlswrap_replay_init(&s->wrx, 15);
	if (ret)
		return ret;
	ret = ks_new(s, 0, now_ms, &s->ks[0]);
	/* A client speaks first; a server waits for the client's reset. */
	if (!ret && !cfg->server)
		ret = ks_queue_reset(s, s->ks[0]);
	if (!ret && !cfg->server)
		ret = ks_flush(s, s->ks[0], now_ms);
	if (ret)
		session_free(s);
	return ret;
}

void session_free(struct session *s)
{
	for (unsigned i = 0; i < SESSION_KS_N; i++) {
		ks_free(s->ks[i]);
		s->ks[i] = NULL;
	}
	tlswrap_replay_free(&s->wrx);
	session_wrap_free(s);
	mem_wipe(s->peer_sid, sizeof(s->peer_sid));
	free(s->peer_info);
	s->peer_info = NULL;
	session_clear_peer_auth(s);
	free(s->err);
	s->err = NULL;
}

int session_export(struct session *s, const char *label, uint8_t *out,
		   size_t len)
{
	if (!session_active(s))
		return -EAGAIN;
	return tls_session_export(s->ks[0]->tls, label, out, len);
}

int session_renegotiate(struct session *s, uint64_t now_ms)
{
	if (s->failed)
		return -EPROTO;
	if (!session_primary_ready(s))
		return -EBUSY;
	return session_start_reneg(s, session_next_key_id(s), now_ms);
}

bool session_active(const struct session *s)
{
	return s->ks[0] && s->ks[0]->state == KS_ACTIVE;
}

int session_send_message(struct session *s, const char *msg, uint64_t now_ms)
{
	struct keystate *ks = s->ks[0];
	int ret;

	/* During a renegotiation the lame duck still carries messages. */
	if (ks && ks->state != KS_ACTIVE && s->ks[1] &&
	    s->ks[1]->state == KS_ACTIVE)
		ks = s->ks[1];
	if (!ks || ks->state != KS_ACTIVE)
		return -EAGAIN;
	ret = tls_session_write(ks->tls, (const uint8_t *)msg, strlen(msg) + 1);
	if (ret)
		return ret;
	return ks_flush(s, ks, now_ms);
}

int session_set_data(struct session *s, struct dco *dco, uint32_t peer_id,
		     enum dco_cipher cipher, bool ekm, bool epoch,
		     uint64_t now_ms)
{
	int ret;

	if (!session_active(s))
		return -EAGAIN;
	s->dco = dco;
	s->peer_id = peer_id;
	s->cipher = cipher;
	s->ekm = ekm;
	s->epoch = epoch;
	s->dco_keys = 0;
	ret = session_keys_install(s, s->ks[0]);
	if (!ret)
		session_keys_update(s, now_ms);
	return ret;
}

/*
 * UDP server after the stateless cookie exchange (ctl/mudp.h): the client's
 * reset (message 0) was answered by our reset with @own_sid, which the
 * client has ACKed. Start as if both had happened here: the client's reset
 * is taken as received, ours is queued and sent once through ops.send —
 * the caller drops that one send (the client already has it), which also
 * keeps tls-auth/tls-crypt replay ids in step (the cookie reply used 1).
 */
int session_init_accepted(struct session *s, const struct session_config *cfg,
			  const struct session_ops *ops, void *ops_ctx,
			  const uint8_t *own_sid, const uint8_t *peer_sid,
			  const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	struct session_config sc = *cfg;
	int ret;

	sc.server = true;
	ret = session_init(s, &sc, ops, ops_ctx, now_ms);
	if (ret)
		return ret;
	/* tls-crypt-v2: our reset (sent once, dropped) must use the client's
	 * key, so that replay ids stay in step with the cookie reply. */
	if (sc.v2_server && session_v2_take_key(s, pkt, len)) {
		session_free(s);
		return -EBADMSG;
	}
	memcpy(s->own_sid, own_sid, CTLPKT_SID_LEN);
	memcpy(s->peer_sid, peer_sid, CTLPKT_SID_LEN);
	s->have_peer_sid = true;
	ks_restart_clock(s, s->ks[0], now_ms);
	reliable_receive(s->ks[0]->rel, sc.v2_server ?
			 P_CONTROL_HARD_RESET_CLIENT_V3 :
			 P_CONTROL_HARD_RESET_CLIENT_V2, 0, NULL, 0);
	ret = session_process(s, s->ks[0], now_ms);
	if (ret)
		session_free(s);
	return ret;
}
