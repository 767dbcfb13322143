/*
 * Control-packet wrapping of one session (internal to ctl/session.c): the
 * shared tls-auth/tls-crypt key, a tls-crypt-v2 client's key and WKc, or,
 * on a tls-crypt-v2 server, the key each client brings in its WKc.
 *
 * tls-crypt-v2 server: the client's key comes from the WKc of its reset
 * (HARD_RESET_CLIENT_V3) or, after the stateless cookie exchange, of its
 * CONTROL_WKC_V1; a later WKc must carry the same key, else the packet is
 * dropped. Until the key is known nothing can be unwrapped or sent.
 */
#ifndef DCOVPN_CTL_SESSION_WRAP_H
#define DCOVPN_CTL_SESSION_WRAP_H

#include <stddef.h>
#include <stdint.h>

#include "ctl/session.h"

/* The key wrapping this session's packets, or NULL (none / not yet). */
const struct tlswrap_key *session_wrap_key(const struct session *s);
/* Bytes wrapping adds to a clear control packet of @key_id (WKc
 * included). */
size_t session_wrap_overhead(const struct session *s, uint8_t key_id);

/* Wrap @clear (WKc appended for a tls-crypt-v2 client; dyn-tls-crypt for
 * a renegotiation's key-id, read from @clear) and send it. */
int session_wrap_send(struct session *s, const uint8_t *clear, size_t clen,
		      uint32_t now_s);

/* Authenticate (decrypt) a received packet into @out (SESSION_PKT_MAX
 * bytes) with the wrapping of its key-id and check its replay id. 0, or
 * -errno: drop it. */
int session_unwrap(struct session *s, const uint8_t *pkt, size_t len,
		   uint8_t *out, size_t *out_len, uint64_t now_ms);

/* tls-crypt-v2 server: learn the client's key from @pkt's WKc (or check a
 * repeated one), the first time through ops.v2_verify. 0, -EBADMSG (no or
 * bad WKc), -EKEYREJECTED (another key), -EACCES (v2_verify refused). */
int session_v2_take_key(struct session *s, const uint8_t *pkt, size_t len);

/* Wipe the per-client key. */
void session_wrap_free(struct session *s);

#endif
