/*
 * Key states of a session and the wire (internal to the session, see
 * session_ks.h): creating and freeing a key state, its clocks, our reset,
 * and moving TLS output through the reliability layer onto the wire.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "ctl/session.h"
#include "ctl/session_keys.h"
#include "ctl/session_ks.h"
#include "ctl/session_wrap.h"

/* Estimated IPv6 + UDP header, as OpenVPN sizes control packets. */
#define SESSION_TRANSPORT_OVERHEAD 48u
#define SESSION_MAX_PACKET_DEFAULT 1250u

uint32_t session_now_s(void)
{
	return (uint32_t)time(NULL);
}

/* ---- key states ---------------------------------------------------------- */

void ks_free(struct keystate *ks)
{
	if (!ks)
		return;
	if (ks->rel) {
		reliable_clear(ks->rel);
		free(ks->rel);
	}
	tls_session_free(ks->tls);
	if (ks->plain)
		mem_wipe(ks->plain, ks->plain_len);
	free(ks->plain);
	mem_wipe(ks, sizeof(*ks));
	free(ks);
}

/* The plaintext buffer goes when it holds nothing (consumed bytes are
 * wiped as they go): an idle client keeps no 8 kB of it. */
void ks_plain_release(struct keystate *ks)
{
	if (ks->plain_len)
		return;
	free(ks->plain);
	ks->plain = NULL;
}

unsigned session_hand_window_ms(const struct session *s)
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

int ks_new(struct session *s, uint8_t key_id, uint64_t now_ms,
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

void ks_restart_clock(struct session *s, struct keystate *ks,
		      uint64_t now_ms)
{
	ks->start_ms = now_ms;
	ks->hand_deadline_ms = now_ms + session_hand_window_ms(s);
	ks->send_after_ms = now_ms + session_send_delay_ms(s);
}

struct keystate *session_ks_by_id(struct session *s, uint8_t key_id)
{
	for (unsigned i = 0; i < SESSION_KS_N; i++)
		if (s->ks[i] && s->ks[i]->key_id == key_id)
			return s->ks[i];
	return NULL;
}

/* Queue our reset: message-id 0 of the key state. */
int ks_queue_reset(struct session *s, struct keystate *ks)
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
int session_xmit(struct session *s, struct keystate *ks, enum opcode op,
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
	ret = session_wrap_send(s, clear, clen, session_now_s());
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
int ks_flush(struct session *s, struct keystate *ks, uint64_t now_ms)
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
