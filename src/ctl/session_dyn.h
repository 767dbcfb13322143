/*
 * dyn-tls-crypt (OpenVPN 2.7, IV_PROTO bit 9, pushed as "protocol-flags
 * ... dyn-tls-crypt"): once the first key state (key-id 0) is up, every
 * control packet of a renegotiation (key-id 1..7) is wrapped with tls-crypt
 * under a key of this session alone:
 *
 *   K = TLS-EKM(key-id 0's TLS session, "EXPORTER-OpenVPN-dynamic-tls-crypt",
 *               256 bytes)                       laid out as a static key
 *   K ^= the configured static key (tls-auth or tls-crypt key file, or the
 *        tls-crypt-v2 client key Kc), when there is one
 *   directions as tls-crypt: server normal, client inverse
 *
 * with its own packet-id sequence (from 1) and replay window, kept for the
 * whole session. Packets of key-id 0 keep the configured wrapping. Both
 * peers start it at the same point (client: the PUSH_REPLY carrying the
 * flag, or P2P negotiation; server: when the client announced the bit and
 * the data channel is set up), before either can renegotiate.
 */
#ifndef DCOVPN_CTL_SESSION_DYN_H
#define DCOVPN_CTL_SESSION_DYN_H

#include <stddef.h>
#include <stdint.h>

#include "ctl/session.h"
#include "proto/tlswrap.h"

#define SESSION_DYN_LABEL "EXPORTER-OpenVPN-dynamic-tls-crypt"

struct session_dyn {
	struct tlswrap_key key;
	struct tlswrap_tx tx;
	struct tlswrap_replay rx;
};

/*
 * Derive the renegotiation key from the key state of key-id 0 (ACTIVE).
 * Idempotent. 0, -EAGAIN (no such key state), -ENOMEM or -EIO (export
 * failed).
 */
int session_dyn_start(struct session *s);

/* The renegotiation wrap for a packet of @key_id, or NULL (use the
 * configured one). */
struct session_dyn *session_dyn_for(const struct session *s, uint8_t key_id);

/* Wipe and release (NULL-safe on s->dyn). */
void session_dyn_free(struct session *s);

#endif
