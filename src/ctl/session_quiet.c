/*
 * Is a session's tick a no-op now? A server ticks every client on every
 * turn of its event loop (thousands of turns a second while clients
 * connect), and a full pass over an idle client's key state costs a TLS
 * read attempt, a window fill and an ACK check. An established session
 * with nothing received, nothing queued and no timer due has nothing to
 * do: session_tick skips it. Whatever arrives goes through session_recv,
 * which processes the key state itself.
 */
#include "ctl/reliable.h"
#include "ctl/session_ks.h"
#include "ctl/tls.h"

/* One ACTIVE key state with nothing in or out of TLS or the reliable
 * layer. */
static bool ks_idle(const struct keystate *ks)
{
	struct reliable_rx rx;

	return ks->state == KS_ACTIVE && !ks->plain_len &&
	       reliable_send_empty(ks->rel) && !reliable_ack_pending(ks->rel) &&
	       !reliable_peek(ks->rel, &rx) &&
	       !tls_session_pending_ciphertext(ks->tls) &&
	       !tls_session_has_input(ks->tls);
}

bool session_quiet(const struct session *s, uint64_t now_ms)
{
	const struct keystate *ks = s->ks[0];

	/* a lame duck or a key swap pending: the full pass decides */
	for (unsigned i = 1; i < SESSION_KS_N; i++)
		if (s->ks[i])
			return false;
	if (!ks || !ks_idle(ks))
		return false;
	if (s->dco_keys > 1 || (s->dco_keys && ks->dco != KS_DCO_PRIMARY))
		return false;
	return now_ms < session_next_deadline(s);
}
