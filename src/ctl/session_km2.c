/*
 * Key method 2 and control messages of a session (internal to the session,
 * see session_ks.h): the TLS handshake's progress, our key method 2
 * message and the peer's, NUL-terminated messages handed up once a key
 * state is active, and one pass of processing a key state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/safename.h"
#include "ctl/keymethod2.h"
#include "ctl/session.h"
#include "ctl/session_keys.h"
#include "ctl/session_ks.h"

/*
 * A 2.6 server writes what it sends right after a key state goes active
 * (the renewed auth-token of a renegotiation) into TLS without pulling the
 * ciphertext out; that happens when a packet of that key-id comes in. One
 * repeated ACK a moment after ACTIVE makes it flush.
 */
#define SESSION_NUDGE_MS 1000u

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

void session_clear_peer_auth(struct session *s)
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
		if (ks->plain_len < SESSION_PLAIN_MAX)
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
	if (ks->plain_len == SESSION_PLAIN_MAX) {
		log_warn("control channel message too long, dropped");
		ks_consume_plain(ks, ks->plain_len);
	}
}

static int ks_read_plain(struct session *s, struct keystate *ks)
{
	if (!ks->plain) {
		ks->plain = malloc(SESSION_PLAIN_MAX);
		if (!ks->plain)
			return -ENOMEM;
	}
	for (;;) {
		size_t room = SESSION_PLAIN_MAX - ks->plain_len;
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

int session_process(struct session *s, struct keystate *ks,
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
	ks_plain_release(ks);
	if (ret && !s->failed)
		session_fail(s, "TLS Error: key-id %u: control channel failure (%s)",
			     ks->key_id, strerror(ret < 0 ? -ret : ret));
	return s->failed ? -EPROTO : 0;
}
