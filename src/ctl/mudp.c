/* Stateless HMAC-cookie answer to UDP client resets. See mudp.h. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "dcovpn/dco.h"
#include "ctl/mudp.h"
#include "proto/opcode.h"

int mudp_init(struct mudp *m, const struct tlswrap_key *wrap, unsigned slot_s)
{
	memset(m, 0, sizeof(*m));
	if (RAND_bytes(m->secret, sizeof(m->secret)) != 1)
		return -EIO;
	m->slot_s = slot_s ? slot_s : 30u;
	m->wrap = wrap;
	return 0;
}

void mudp_set_v2(struct mudp *m, const struct tlscryptv2_server_key *sk,
		 bool force_cookie)
{
	m->wrap = NULL;
	m->v2 = sk;
	m->v2_force_cookie = force_cookie;
}

void mudp_free(struct mudp *m)
{
	mem_wipe(m, sizeof(*m));
}

/* Only family, port and address count: the rest of a sockaddr may vary. */
static size_t addr_bytes(const struct sockaddr *a, socklen_t len, uint8_t *out)
{
	if (a->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s = (const void *)a;

		out[0] = 4;
		memcpy(out + 1, &s->sin_port, 2);
		memcpy(out + 3, &s->sin_addr, 4);
		return 7;
	}
	if (a->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s = (const void *)a;

		out[0] = 6;
		memcpy(out + 1, &s->sin6_port, 2);
		memcpy(out + 3, &s->sin6_addr, 16);
		return 19;
	}
	return 0;
}

static int cookie(const struct mudp *m, const struct sockaddr *from,
		  socklen_t from_len, const uint8_t *peer_sid, uint32_t slot,
		  uint8_t out[CTLPKT_SID_LEN])
{
	uint8_t in[19 + CTLPKT_SID_LEN + 4], md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	size_t n = addr_bytes(from, from_len, in);

	if (!n)
		return -EAFNOSUPPORT;
	memcpy(in + n, peer_sid, CTLPKT_SID_LEN);
	store_be32(in + n + CTLPKT_SID_LEN, slot);
	if (!HMAC(EVP_sha256(), m->secret, sizeof(m->secret), in,
		  n + CTLPKT_SID_LEN + 4, md, &md_len) || md_len < CTLPKT_SID_LEN)
		return -EIO;
	memcpy(out, md, CTLPKT_SID_LEN);
	mem_wipe(md, sizeof(md));
	return 0;
}

static bool cookie_valid(const struct mudp *m, const struct sockaddr *from,
			 socklen_t from_len, const uint8_t *peer_sid,
			 const uint8_t *c, uint32_t now_s)
{
	uint32_t slot = now_s / m->slot_s;
	uint8_t want[CTLPKT_SID_LEN];

	for (uint32_t back = 0; back < 2; back++) {
		if (cookie(m, from, from_len, peer_sid, slot - back, want))
			return false;
		if (CRYPTO_memcmp(want, c, CTLPKT_SID_LEN) == 0)
			return true;
	}
	return false;
}

/*
 * Our reset: ACKs the client's message 0, is our message 0; wrapped with
 * @wrap (NULL: none). @resend_wkc asks a tls-crypt-v2 client for WKc again.
 */
static void reply(const struct tlswrap_key *wrap, const struct ctlpkt *in,
		  const uint8_t *own_sid, bool resend_wkc, uint32_t now_s,
		  struct mudp_result *out)
{
	struct ctlpkt p = { .head = { .opcode = P_CONTROL_HARD_RESET_SERVER_V2 } };
	uint8_t clear[128], tlv[CTLPKT_EARLY_NEG_LEN];
	size_t clen;

	memcpy(p.head.sid, own_sid, CTLPKT_SID_LEN);
	p.rel.ack.n = 1;
	p.rel.ack.ids[0] = 0;
	memcpy(p.rel.ack.peer_sid, in->head.sid, CTLPKT_SID_LEN);
	p.rel.msg_id = 0;
	if (resend_wkc) {
		ctlpkt_compose_early_neg(tlv, sizeof(tlv),
					 CTLPKT_EARLY_NEG_RESEND_WKC);
		p.rel.payload = tlv;
		p.rel.payload_len = sizeof(tlv);
	}
	if (ctlpkt_compose_plain(clear, sizeof(clear), &p, &clen))
		return;
	if (!wrap || wrap->mode == TLSWRAP_NONE) {
		memcpy(out->reply, clear, clen);
		out->reply_len = clen;
	} else {
		/* Replay id 1: the session made later continues with 2. */
		struct tlswrap_pid pid = { .id = 1, .net_time = now_s };

		if (tlswrap_wrap(wrap, &pid, clear, clen, out->reply,
				 sizeof(out->reply), &out->reply_len))
			return;
	}
	memcpy(out->peer_sid, in->head.sid, CTLPKT_SID_LEN);
	out->verdict = MUDP_REPLY;
}

static bool acks_our_reset(const struct ctlpkt *p)
{
	for (unsigned i = 0; i < p->rel.ack.n; i++)
		if (p->rel.ack.ids[i] == 0)
			return true;
	return false;
}

/* tls-crypt-v2: unwrap with the client's key from the packet's own WKc;
 * @k is set up (the caller frees it) only on success. */
static int unwrap_v2(const struct mudp *m, const uint8_t *pkt, size_t len,
		     uint8_t *clear, size_t cap, size_t *clen,
		     struct tlswrap_pid *pid, struct tlswrap_key *k,
		     const char **why)
{
	struct statickey kc;
	size_t wlen;
	int ret;

	ret = tlscryptv2_server_client_key(m->v2, pkt, len, &wlen, &kc, NULL,
					   0, NULL);
	if (ret == -EBADMSG && len && tlscryptv2_opcode_has_wkc(pkt[0]))
		*why = "tls-crypt-v2: cannot unwrap the client key (WKc)";
	if (!ret)
		ret = tlscryptv2_server_wrap_key(&kc, k);
	statickey_wipe(&kc);
	if (ret)
		return ret;
	ret = tlswrap_unwrap(k, pkt, wlen, clear, cap, clen, pid);
	if (ret) {
		*why = "tls-crypt-v2: packet authentication failed";
		tlswrap_key_free(k);
	}
	return ret;
}

static bool early_neg(const struct tlswrap_pid *pid)
{
	return (pid->id & TLSWRAP_EARLY_NEG_MASK) == TLSWRAP_EARLY_NEG_START;
}

/* A parsed client packet: reply to a reset, accept a valid cookie. */
static void classify(const struct mudp *m, const struct ctlpkt *p,
		     const struct tlswrap_key *wrap,
		     const struct tlswrap_pid *pid, const struct sockaddr *from,
		     socklen_t from_len, uint32_t now_s,
		     struct mudp_result *out)
{
	enum opcode reset = m->v2 ? P_CONTROL_HARD_RESET_CLIENT_V3 :
				    P_CONTROL_HARD_RESET_CLIENT_V2;
	uint8_t own[CTLPKT_SID_LEN];

	if (p->head.opcode == reset) {
		if (p->rel.msg_id != 0)
			return;
		if (m->v2 && !early_neg(pid)) {
			if (!m->v2_force_cookie) {
				memcpy(out->peer_sid, p->head.sid, CTLPKT_SID_LEN);
				out->verdict = MUDP_NEW;
			}
			return;
		}
		if (cookie(m, from, from_len, p->head.sid, now_s / m->slot_s, own))
			return;
		reply(wrap, p, own, m->v2 != NULL, now_s, out);
		return;
	}
	/* tls-crypt-v2: only a packet with WKc can be unwrapped here. */
	if ((m->v2 ? p->head.opcode == P_CONTROL_WKC_V1 :
		     p->head.opcode == P_ACK_V1 ||
		     p->head.opcode == P_CONTROL_V1) &&
	    acks_our_reset(p) &&
	    cookie_valid(m, from, from_len, p->head.sid, p->rel.ack.peer_sid,
			 now_s)) {
		memcpy(out->own_sid, p->rel.ack.peer_sid, CTLPKT_SID_LEN);
		memcpy(out->peer_sid, p->head.sid, CTLPKT_SID_LEN);
		out->verdict = MUDP_ACCEPT;
	}
}

/* Authenticate (tls-auth/tls-crypt/tls-crypt-v2, as configured) and parse
 * @pkt into @p, whose pointers may point into @clear. With tls-crypt-v2,
 * @v2key holds the client's key afterwards (the caller frees it; it is
 * zeroed when unused) and *@wrap points to it. 0 or -1 (*@why set when
 * authentication failed). */
static int open_packet(const struct mudp *m, const uint8_t *pkt, size_t len,
		       uint8_t clear[DCO_CONTROL_MAX], struct ctlpkt *p,
		       struct tlswrap_pid *pid, struct tlswrap_key *v2key,
		       const struct tlswrap_key **wrap, const char **why)
{
	static const uint8_t zero[CTLPKT_SID_LEN];
	size_t clen = len;
	const uint8_t *c = pkt;

	*wrap = m->wrap;
	if (m->v2) {
		if (unwrap_v2(m, pkt, len, clear, DCO_CONTROL_MAX, &clen, pid,
			      v2key, why))
			return -1;
		*wrap = v2key;
		c = clear;
	} else if (m->wrap && m->wrap->mode != TLSWRAP_NONE) {
		if (tlswrap_unwrap(m->wrap, pkt, len, clear, DCO_CONTROL_MAX,
				   &clen, pid)) {
			*why = m->wrap->mode == TLSWRAP_AUTH ?
			       "tls-auth: packet authentication failed" :
			       "tls-crypt: packet authentication failed";
			return -1;
		}
		c = clear;
	}
	if (ctlpkt_parse_plain(c, clen, p) || p->head.key_id != 0 ||
	    !memcmp(p->head.sid, zero, sizeof(zero)))
		return -1;
	return 0;
}

void mudp_handle(const struct mudp *m, const uint8_t *pkt, size_t len,
		 const struct sockaddr *from, socklen_t from_len,
		 uint32_t now_s, struct mudp_result *out)
{
	uint8_t clear[DCO_CONTROL_MAX];
	struct tlswrap_pid pid = { 0 };
	struct tlswrap_key v2key = { 0 };
	const struct tlswrap_key *wrap;
	struct ctlpkt p;

	memset(out, 0, offsetof(struct mudp_result, reply));
	out->reply_len = 0;
	if (!open_packet(m, pkt, len, clear, &p, &pid, &v2key, &wrap, &out->why))
		classify(m, &p, wrap, &pid, from, from_len, now_s, out);
	if (m->v2)
		tlswrap_key_free(&v2key);
	mem_wipe(clear, sizeof(clear));
}

bool mudp_client_reset(const struct mudp *m, const uint8_t *pkt, size_t len,
		       const char **why)
{
	uint8_t clear[DCO_CONTROL_MAX];
	struct tlswrap_pid pid = { 0 };
	struct tlswrap_key v2key = { 0 };
	const struct tlswrap_key *wrap;
	struct ctlpkt p;
	bool ok = false;

	*why = NULL;
	if (!open_packet(m, pkt, len, clear, &p, &pid, &v2key, &wrap, why))
		ok = p.head.opcode == (m->v2 ? P_CONTROL_HARD_RESET_CLIENT_V3 :
				       P_CONTROL_HARD_RESET_CLIENT_V2) &&
		     p.rel.msg_id == 0;
	if (m->v2)
		tlswrap_key_free(&v2key);
	mem_wipe(clear, sizeof(clear));
	return ok;
}
