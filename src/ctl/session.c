/*
 * Client control channel processor: key states, reliability, TLS, key
 * method 2, data keys into the engine. See session.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/safename.h"
#include "ctl/keymethod2.h"
#include "ctl/session.h"
#include "ctl/session_keys.h"
#include "ctl/session_wrap.h"

/* Estimated IPv6 + UDP header, as OpenVPN sizes control packets. */
#define SESSION_TRANSPORT_OVERHEAD 48u
#define SESSION_MAX_PACKET_DEFAULT 1250u
/*
 * A 2.6 server writes what it sends right after a key state goes active
 * (the renewed auth-token of a renegotiation) into TLS without pulling the
 * ciphertext out; that happens when a packet of that key-id comes in. One
 * repeated ACK a moment after ACTIVE makes it flush.
 */
#define SESSION_NUDGE_MS 1000u

void session_fail(struct session *s, const char *fmt, ...)
{
	va_list ap;

	if (s->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	s->failed = true;
	log_err("%s", s->err);
}

static uint32_t unix_now(void)
{
	return (uint32_t)time(NULL);
}

/* ---- key states ---------------------------------------------------------- */

static void ks_free(struct keystate *ks)
{
	if (!ks)
		return;
	if (ks->rel) {
		reliable_clear(ks->rel);
		free(ks->rel);
	}
	tls_session_free(ks->tls);
	mem_wipe(ks, sizeof(*ks));
	free(ks);
}

static unsigned session_hand_window_ms(const struct session *s)
{
	return (s->cfg.hand_window_s ? s->cfg.hand_window_s : 60u) * 1000u;
}

/* OpenVPN's auth_deferred_expire_window(). */
static uint64_t session_send_delay_ms(const struct session *s)
{
	uint64_t w = session_hand_window_ms(s);
	uint64_t r2 = (uint64_t)s->cfg.reneg_sec * 1000u / 2u;

	return s->cfg.reneg_sec && r2 < w ? r2 : w;
}

static int ks_new(struct session *s, uint8_t key_id, uint64_t now_ms,
		  struct keystate **out)
{
	struct reliable_config rc = {
		.initial_timeout_ms = (s->cfg.tls_timeout_s ?
				       s->cfg.tls_timeout_s : 2u) * 1000u,
	};
	struct keystate *ks = calloc(1, sizeof(*ks));
	char err[TLS_ERR_LEN] = "";
	int ret;

	if (!ks)
		return -ENOMEM;
	ks->key_id = key_id;
	ks->rel = malloc(sizeof(*ks->rel));
	if (!ks->rel) {
		ret = -ENOMEM;
		goto err_free;
	}
	reliable_init(ks->rel, &rc);
	ret = tls_session_new(&ks->tls, s->cfg.tls, err, sizeof(err));
	if (ret) {
		session_fail(s, "TLS Error: cannot create TLS session: %s", err);
		goto err_free;
	}
	ret = kdf_key_source_random(&ks->ours);
	if (ret)
		goto err_free;
	ks->start_ms = now_ms;
	ks->hand_deadline_ms = now_ms + session_hand_window_ms(s);
	ks->send_after_ms = now_ms + session_send_delay_ms(s);
	*out = ks;
	return 0;
err_free:
	ks_free(ks);
	return ret;
}

static void ks_restart_clock(struct session *s, struct keystate *ks,
			     uint64_t now_ms)
{
	ks->start_ms = now_ms;
	ks->hand_deadline_ms = now_ms + session_hand_window_ms(s);
	ks->send_after_ms = now_ms + session_send_delay_ms(s);
}

static struct keystate *session_ks_by_id(struct session *s, uint8_t key_id)
{
	for (unsigned i = 0; i < SESSION_KS_N; i++)
		if (s->ks[i] && s->ks[i]->key_id == key_id)
			return s->ks[i];
	return NULL;
}

/* Queue our reset: message-id 0 of the key state. */
static int ks_queue_reset(struct session *s, struct keystate *ks)
{
	enum opcode op = P_CONTROL_SOFT_RESET_V1;

	if (ks->key_id == 0 && s->cfg.server)
		op = P_CONTROL_HARD_RESET_SERVER_V2;
	else if (ks->key_id == 0)
		op = s->cfg.v2 ? P_CONTROL_HARD_RESET_CLIENT_V3 :
				 P_CONTROL_HARD_RESET_CLIENT_V2;
	ks->state = KS_PRE_START;
	return reliable_queue(ks->rel, op, NULL, 0, NULL);
}

/* ---- the wire ------------------------------------------------------------ */

static size_t session_tls_chunk(const struct session *s, const struct keystate *ks)
{
	size_t maxp = s->cfg.max_packet ? s->cfg.max_packet :
					  SESSION_MAX_PACKET_DEFAULT;
	size_t over = SESSION_TRANSPORT_OVERHEAD + CTLPKT_HEAD_LEN +
		      CTLPKT_MSGID_LEN +
		      reliable_ack_overhead(ks->rel, RELIABLE_ACK_PIGGYBACK);

	over += session_wrap_overhead(s, ks->key_id);
	return maxp > over + 64 ? maxp - over : 64;
}

/* Compose, wrap and send one packet of key state @ks. */
static int session_xmit(struct session *s, struct keystate *ks, enum opcode op,
			uint32_t msg_id, const uint8_t *payload, size_t len,
			unsigned max_acks)
{
	uint8_t clear[SESSION_PKT_MAX];
	struct ctlpkt pkt = { .head = { .opcode = op, .key_id = ks->key_id } };
	size_t clen;
	int ret;

	memcpy(pkt.head.sid, s->own_sid, CTLPKT_SID_LEN);
	if (s->have_peer_sid)
		reliable_ack_fill(ks->rel, &pkt.rel.ack, max_acks, s->peer_sid);
	pkt.rel.msg_id = msg_id;
	pkt.rel.payload = payload;
	pkt.rel.payload_len = len;
	ret = ctlpkt_compose_plain(clear, sizeof(clear), &pkt, &clen);
	if (ret)
		return -EMSGSIZE;
	ret = session_wrap_send(s, clear, clen, unix_now());
	mem_wipe(clear, sizeof(clear));
	return ret;
}

/* Move TLS output into the send window while there is room. */
static int ks_fill_window(struct session *s, struct keystate *ks)
{
	uint8_t buf[SESSION_PKT_MAX];
	size_t chunk = session_tls_chunk(s, ks);

	if (ks->state < KS_START)
		return 0;
	if (chunk > sizeof(buf))
		chunk = sizeof(buf);
	while (reliable_send_room(ks->rel) > 0 &&
	       tls_session_pending_ciphertext(ks->tls) > 0) {
		ssize_t n = tls_session_get_ciphertext(ks->tls, buf, chunk);

		if (n <= 0)
			return n < 0 ? (int)n : 0;
		if (reliable_queue(ks->rel, P_CONTROL_V1, buf, (size_t)n, NULL))
			return -EIO;
	}
	return 0;
}

/* Transmit what is due, then a bare ACK if ACKs are still owed. */
static int ks_flush(struct session *s, struct keystate *ks, uint64_t now_ms)
{
	struct reliable_tx tx;
	bool sent = false;
	int ret;

	ret = ks_fill_window(s, ks);
	if (ret)
		return ret;
	while ((ret = reliable_next_send(ks->rel, now_ms, &tx)) > 0) {
		enum opcode op = tx.opcode;

		/* tls-crypt-v2: the server asked for WKc with the packet after
		 * its reset, retransmissions included. */
		if (s->resend_wkc && ks->key_id == 0 && tx.msg_id == 1 &&
		    op == P_CONTROL_V1)
			op = P_CONTROL_WKC_V1;
		session_xmit(s, ks, op, tx.msg_id, tx.payload, tx.len,
			     RELIABLE_ACK_PIGGYBACK);
		sent = true;
	}
	if (ret < 0)
		return ret;
	/* (The ClientHello always goes out with the ACK of the server's
	 * reset, so a tls-crypt-v2 client never needs an empty WKC packet.) */
	if (!sent && reliable_ack_pending(ks->rel) && s->have_peer_sid)
		session_xmit(s, ks, P_ACK_V1, 0, NULL, 0, RELIABLE_ACK_MAX);
	return 0;
}

/* ---- key method 2 and messages ------------------------------------------ */

static int ks_send_km2(struct session *s, struct keystate *ks)
{
	struct km2_msg m = {
		.src = ks->ours,
		.has_pre_master = !s->cfg.server,
		.options = (char *)s->cfg.options_string,
		.username = s->cfg.server ? NULL : (char *)s->cfg.username,
		.password = s->cfg.server ? NULL : (char *)s->cfg.password,
		.peer_info = (char *)s->cfg.peer_info,
	};
	uint8_t buf[SESSION_PLAIN_MAX];
	char err[KM2_ERR_LEN] = "";
	size_t len;
	int ret;

	ret = km2_compose(&m, s->cfg.server ? TLS_ROLE_SERVER : TLS_ROLE_CLIENT,
			  buf, sizeof(buf), &len, err, sizeof(err));
	mem_wipe(&m.src, sizeof(m.src));
	if (ret) {
		session_fail(s, "TLS Error: key method 2 message: %s", err);
		goto out;
	}
	ret = tls_session_write(ks->tls, buf, len);
	if (ret)
		session_fail(s, "TLS Error: cannot write key method 2 message");
	else
		ks->state = KS_SENT_KEY;
out:
	mem_wipe(buf, sizeof(buf));
	return ret;
}

static void ks_consume_plain(struct keystate *ks, size_t n)
{
	memmove(ks->plain, ks->plain + n, ks->plain_len - n);
	ks->plain_len -= n;
	mem_wipe(ks->plain + ks->plain_len, n);
}

static void session_clear_peer_auth(struct session *s)
{
	if (s->peer_pass)
		mem_wipe(s->peer_pass, strlen(s->peer_pass));
	free(s->peer_user);
	free(s->peer_pass);
	s->peer_user = s->peer_pass = NULL;
}

static int ks_read_km2(struct session *s, struct keystate *ks)
{
	struct km2_msg m;
	char err[KM2_ERR_LEN] = "";
	size_t used = 0;
	int ret;

	if (!ks->plain_len)
		return 0;
	ret = km2_parse(&m, s->cfg.server ? TLS_ROLE_CLIENT : TLS_ROLE_SERVER,
			ks->plain, ks->plain_len, &used, err, sizeof(err));
	if (ret) {
		/* Maybe not all of it yet; a full buffer is a broken peer. */
		if (ks->plain_len < sizeof(ks->plain))
			return 0;
		session_fail(s, "TLS Error: %s", err);
		return -EPROTO;
	}
	ks->theirs = m.src;
	/* The peer's IV_* variables matter in P2P mode (NCP, peer-id). */
	if (ks->key_id == 0 && m.peer_info && !s->peer_info)
		s->peer_info = strdup(m.peer_info);
	/* A server checks the client's credentials (auth-user-pass-verify),
	 * those of each renegotiation too: none sent then means none. */
	if (s->cfg.server && (ks->key_id != 0 || m.username))
		session_clear_peer_auth(s);
	if (s->cfg.server && m.username) {
		/* as OpenVPN, at the source: scripts, logs, status see it so */
		safename_remap(m.username);
		s->peer_user = strdup(m.username);
		s->peer_pass = strdup(m.password ? m.password : "");
	}
	km2_msg_clear(&m);
	ks_consume_plain(ks, used);
	ks->state = KS_GOT_KEY;
	return 0;
}

/* Hand every complete NUL-terminated message up. */
static void ks_dispatch_messages(struct session *s, struct keystate *ks)
{
	uint8_t *nul;

	while ((nul = memchr(ks->plain, 0, ks->plain_len)) != NULL) {
		size_t n = (size_t)(nul - ks->plain) + 1;
		char *msg = (char *)ks->plain;
		size_t l = n - 1;

		while (l && (msg[l - 1] == '\r' || msg[l - 1] == '\n'))
			msg[--l] = 0;
		log_msg(LOG_TRACE, "key-id %u: control message of %zu bytes",
			ks->key_id, l);
		if (l && s->ops.message)
			s->ops.message(s->ops_ctx, msg);
		ks_consume_plain(ks, n);
	}
	if (ks->plain_len == sizeof(ks->plain)) {
		log_warn("control channel message too long, dropped");
		ks_consume_plain(ks, ks->plain_len);
	}
}

static int ks_read_plain(struct session *s, struct keystate *ks)
{
	for (;;) {
		size_t room = sizeof(ks->plain) - ks->plain_len;
		ssize_t n;

		if (!room)
			return 0;
		n = tls_session_read(ks->tls, ks->plain + ks->plain_len, room);
		if (n == 0)
			return 0;
		if (n < 0) {
			session_fail(s, "TLS Error: TLS read failed: %s",
				     tls_session_error(ks->tls));
			return (int)n;
		}
		ks->plain_len += (size_t)n;
	}
}

/* ---- state machine -------------------------------------------------------- */

static void ks_became_active(struct session *s, struct keystate *ks,
			     uint64_t now_ms)
{
	char summary[256];

	ks->state = KS_ACTIVE;
	ks->nudge_ms = now_ms + SESSION_NUDGE_MS;
	if (tls_session_summary(ks->tls, summary, sizeof(summary)) >= 0)
		log_info("%s", summary);
	if (ks->key_id == 0) {
		log_info("[%s] Peer Connection Initiated with %s",
			 s->cfg.server ? "client" : "server",
			 s->cfg.remote_desc ? s->cfg.remote_desc : "peer");
		if (s->ops.active)
			s->ops.active(s->ops_ctx);
		return;
	}
	log_info("TLS: soft reset of key-id %u completed", ks->key_id);
	if (s->ops.rekeyed && s->ops.rekeyed(s->ops_ctx) < 0) {
		log_warn("key-id %u refused: its keys are not used", ks->key_id);
		return;
	}
	/* Renegotiated keys are generated at once, with the pushed cipher. */
	if (s->dco && session_keys_install(s, ks) == 0)
		session_keys_update(s, now_ms);
}

/* 1 once TLS is done, 0 while it runs, <0 when it failed. */
static int ks_handshake(struct session *s, struct keystate *ks)
{
	enum tls_hs_state hs = tls_session_handshake(ks->tls);

	if (hs == TLS_HS_FAILED) {
		session_fail(s, "TLS Error: TLS handshake failed: %s",
			     tls_session_error(ks->tls));
		return -EPROTO;
	}
	return hs == TLS_HS_DONE;
}

/* Client: write our key method 2 message, then read the server's. */
static int ks_km2_client(struct session *s, struct keystate *ks)
{
	int ret = 0;

	if (ks->state == KS_START)
		ret = ks_send_km2(s, ks);
	if (!ret && ks->state == KS_SENT_KEY)
		ret = ks_read_km2(s, ks);
	return ret;
}

/* Server: read the client's message first, then answer with ours. */
static int ks_km2_server(struct session *s, struct keystate *ks)
{
	int ret = 0;

	if (ks->state == KS_START)
		ret = ks_read_km2(s, ks);
	if (!ret && ks->state == KS_GOT_KEY)
		ret = ks_send_km2(s, ks);
	return ret;
}

static int ks_progress(struct session *s, struct keystate *ks, uint64_t now_ms)
{
	enum ks_state last = s->cfg.server ? KS_SENT_KEY : KS_GOT_KEY;
	int ret;

	if (ks->state == KS_PRE_START && reliable_send_empty(ks->rel))
		ks->state = KS_START;
	if (ks->state < KS_START)
		return 0;
	ret = ks_handshake(s, ks);
	if (ret <= 0)
		return ret;
	ret = ks_read_plain(s, ks);
	if (!ret && ks->state < KS_ACTIVE)
		ret = s->cfg.server ? ks_km2_server(s, ks) : ks_km2_client(s, ks);
	if (ret)
		return ret;
	if (ks->state == last && reliable_send_empty(ks->rel))
		ks_became_active(s, ks, now_ms);
	if (ks->state == KS_ACTIVE)
		ks_dispatch_messages(s, ks);
	return 0;
}

/* Feed in-order messages to TLS; the peer's reset triggers a burst. */
static int ks_deliver(struct session *s, struct keystate *ks, uint64_t now_ms)
{
	struct reliable_rx rx;

	while (reliable_peek(ks->rel, &rx)) {
		if (ctlpkt_opcode_is_hard_reset(rx.opcode) ||
		    rx.opcode == P_CONTROL_SOFT_RESET_V1) {
			struct ctlpkt_early_neg en = { 0 };

			if (rx.msg_id == 0 && ctlpkt_opcode_is_hard_reset(rx.opcode) &&
			    ctlpkt_parse_early_neg(rx.payload, rx.len, &en)) {
				session_fail(s, "TLS Error: malformed early negotiation TLV");
				return -EPROTO;
			}
			if (en.has_flags && (en.flags & CTLPKT_EARLY_NEG_RESEND_WKC))
				s->resend_wkc = s->cfg.v2 != NULL;
			/* A server answers the client's hard reset with its own. */
			if (s->cfg.server && ks->state == KS_UNDEF &&
			    ks_queue_reset(s, ks))
				return -EIO;
			reliable_schedule_now(ks->rel, now_ms);
		} else if (rx.len) {
			if (ks->state < KS_START)
				return 0; /* TLS not started: wait */
			if (tls_session_put_ciphertext(ks->tls, rx.payload, rx.len))
				return -EIO;
		}
		reliable_pop(ks->rel);
	}
	return 0;
}

static int session_process(struct session *s, struct keystate *ks,
			   uint64_t now_ms)
{
	int ret = ks_deliver(s, ks, now_ms);

	if (!ret)
		ret = ks_progress(s, ks, now_ms);
	/* Once START is reached, what arrived early may now go to TLS. */
	if (!ret && ks->state >= KS_START) {
		ret = ks_deliver(s, ks, now_ms);
		if (!ret)
			ret = ks_progress(s, ks, now_ms);
	}
	if (!ret)
		ret = ks_flush(s, ks, now_ms);
	if (ret && !s->failed)
		session_fail(s, "TLS Error: key-id %u: control channel failure (%s)",
			     ks->key_id, strerror(ret < 0 ? -ret : ret));
	return s->failed ? -EPROTO : 0;
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
			unix_now());
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
