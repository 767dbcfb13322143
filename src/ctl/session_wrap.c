/* Control-packet wrapping of one session. See session_wrap.h. */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/mem.h"
#include "ctl/session_dyn.h"
#include "ctl/session_wrap.h"

const struct tlswrap_key *session_wrap_key(const struct session *s)
{
	if (s->cfg.v2_server)
		return s->has_v2_wrap ? &s->v2_wrap : NULL;
	return s->cfg.wrap;
}

size_t session_wrap_overhead(const struct session *s, uint8_t key_id)
{
	const struct tlswrap_key *k = session_wrap_key(s);
	struct session_dyn *d = session_dyn_for(s, key_id);
	size_t over = 0;

	if (d)
		return tlswrap_overhead(&d->key);
	if (k)
		over += tlswrap_overhead(k);
	else if (s->cfg.v2_server)
		over += TLSWRAP_PID_LEN + TLSWRAP_CRYPT_TAG_LEN;
	if (s->cfg.v2)
		over += s->cfg.v2->wkc_len;
	return over;
}

/* One packet to the link, counted. */
static int session_link_send(struct session *s, const uint8_t *pkt, size_t len)
{
	int ret = s->ops.send(s->ops_ctx, pkt, len);

	if (!ret)
		s->link_tx_bytes += len;
	return ret;
}

int session_wrap_send(struct session *s, const uint8_t *clear, size_t clen,
		      uint32_t now_s)
{
	uint8_t wire[SESSION_PKT_MAX + TLSCRYPTV2_WKC_MAX];
	const struct tlswrap_key *k = session_wrap_key(s);
	struct session_dyn *d;
	size_t wlen;
	int ret;

	d = clen ? session_dyn_for(s, clear[0] & P_KEY_ID_MASK) : NULL;
	if (d) {
		ret = tlswrap_send(&d->key, &d->tx, now_s, clear, clen, wire,
				   sizeof(wire), &wlen);
		return ret ? ret : session_link_send(s, wire, wlen);
	}
	if (!k && s->cfg.v2_server)
		return -ENOKEY; /* no client key yet: nothing can be read */
	if (!k)
		return session_link_send(s, clear, clen);
	ret = tlswrap_send(k, &s->wtx, now_s, clear, clen, wire, sizeof(wire),
			   &wlen);
	if (!ret && s->cfg.v2)
		ret = tlscryptv2_append_wkc(s->cfg.v2, wire, wlen, sizeof(wire),
					    &wlen);
	if (!ret)
		ret = session_link_send(s, wire, wlen);
	return ret;
}

int session_v2_take_key(struct session *s, const uint8_t *pkt, size_t len)
{
	uint8_t meta[TLSCRYPTV2_METADATA_MAX];
	struct statickey kc;
	size_t wlen, meta_len = 0;
	int ret;

	ret = tlscryptv2_server_client_key(s->cfg.v2_server, pkt, len, &wlen,
					   &kc, meta, sizeof(meta), &meta_len);
	if (ret)
		goto out;
	if (s->has_v2_wrap) {
		if (CRYPTO_memcmp(kc.raw, s->v2_kc.raw, sizeof(kc.raw)))
			ret = -EKEYREJECTED;
		goto out;
	}
	if (s->ops.v2_verify && s->ops.v2_verify(s->ops_ctx, meta, meta_len)) {
		ret = -EACCES;
		goto out;
	}
	ret = tlscryptv2_server_wrap_key(&kc, &s->v2_wrap);
	if (!ret) {
		s->v2_kc = kc;
		s->has_v2_wrap = true;
	}
out:
	statickey_wipe(&kc);
	mem_wipe(meta, sizeof(meta));
	return ret;
}

/* A tls-crypt-v2 server's packet: WKc (if any) checked and cut off. */
static int v2_server_strip(struct session *s, const uint8_t *pkt, size_t *len)
{
	const uint8_t *wkc;
	size_t wlen, wkc_len;
	int ret;

	if (!tlscryptv2_opcode_has_wkc(pkt[0]))
		return s->has_v2_wrap ? 0 : -ENOKEY;
	ret = session_v2_take_key(s, pkt, *len);
	if (!ret)
		ret = tlscryptv2_split_wkc(pkt, *len, &wlen, &wkc, &wkc_len);
	if (!ret)
		*len = wlen;
	return ret;
}

int session_unwrap(struct session *s, const uint8_t *pkt, size_t len,
		   uint8_t *out, size_t *out_len, uint64_t now_ms)
{
	const struct tlswrap_key *k;
	struct session_dyn *d;
	enum pktid_verdict v;
	int ret;

	if (len == 0)
		return -EBADMSG;
	if (s->cfg.v2_server) {
		ret = v2_server_strip(s, pkt, &len);
		if (ret)
			return ret;
	}
	d = session_dyn_for(s, pkt[0] & P_KEY_ID_MASK);
	if (d)
		return tlswrap_recv(&d->key, &d->rx, now_ms, pkt, len, out,
				    SESSION_PKT_MAX, out_len, &v);
	k = session_wrap_key(s);
	if (!k) {
		if (len > SESSION_PKT_MAX)
			return -EMSGSIZE;
		memcpy(out, pkt, len);
		*out_len = len;
		return 0;
	}
	return tlswrap_recv(k, &s->wrx, now_ms, pkt, len, out, SESSION_PKT_MAX,
			    out_len, &v);
}

void session_wrap_free(struct session *s)
{
	session_dyn_free(s);
	if (s->has_v2_wrap)
		tlswrap_key_free(&s->v2_wrap);
	statickey_wipe(&s->v2_kc);
	s->has_v2_wrap = false;
}
