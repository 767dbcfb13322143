/*
 * Data channel keys of a client session (internal to ctl/session.c):
 * derivation (TLS-EKM or PRF) and installation into the engine's slots,
 * and the slot bookkeeping of OpenVPN 2.6 with DCO (dco.c
 * dco_update_keys): new keys go to PRIMARY when none is installed, else to
 * SECONDARY; the key used to send is chosen as tls_select_encryption_key()
 * does, and a swap happens when that choice sits in SECONDARY; the
 * SECONDARY slot is emptied when no second usable key remains.
 */
#ifndef DCOVPN_CTL_SESSION_KEYS_H
#define DCOVPN_CTL_SESSION_KEYS_H

#include "ctl/session.h"

/* Mark the session failed with a logged reason (session.c). */
void session_fail(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Why @s failed: session_fail's message ("session failed" if that could
 * not be kept). */
const char *session_error(const struct session *s);

/* Derive @ks's keys with s->cipher / s->ekm and install them. 0 or -errno
 * (the session is marked failed). */
int session_keys_install(struct session *s, struct keystate *ks);
/* Swap / delete engine slots to match the key choice at @now_ms. */
void session_keys_update(struct session *s, uint64_t now_ms);

#endif
