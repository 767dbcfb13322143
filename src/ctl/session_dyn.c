/* dyn-tls-crypt: the renegotiation wrap key of one session. See
 * session_dyn.h. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "base/log.h"
#include "base/mem.h"
#include "ctl/session_dyn.h"

/* The key the configured wrapping was made from; NULL without one. */
static const struct statickey *dyn_original(const struct session *s)
{
	if (s->cfg.v2_server)
		return s->has_v2_wrap ? &s->v2_kc : NULL;
	if (s->cfg.v2)
		return &s->cfg.v2->kc;
	return s->cfg.wrap_sk;
}

/* The first key state, still up (primary, or lame duck already). */
static struct keystate *dyn_first_ks(const struct session *s)
{
	for (unsigned i = 0; i < SESSION_KS_N; i++)
		if (s->ks[i] && s->ks[i]->key_id == 0 &&
		    s->ks[i]->state == KS_ACTIVE)
			return s->ks[i];
	return NULL;
}

static int dyn_derive(struct session *s, struct keystate *ks,
		      struct statickey *k)
{
	const struct statickey *orig = dyn_original(s);
	int ret;

	ret = tls_session_export(ks->tls, SESSION_DYN_LABEL, k->raw,
				 sizeof(k->raw));
	if (ret || !orig)
		return ret;
	for (size_t i = 0; i < sizeof(k->raw); i++)
		k->raw[i] ^= orig->raw[i];
	return 0;
}

int session_dyn_start(struct session *s)
{
	struct keystate *ks = dyn_first_ks(s);
	struct session_dyn *d;
	struct statickey k;
	int ret;

	if (s->dyn)
		return 0;
	if (!ks)
		return -EAGAIN;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	ret = dyn_derive(s, ks, &k);
	if (!ret)
		ret = tlswrap_key_init(&d->key, TLSWRAP_CRYPT, &k,
				       tlswrap_crypt_dir(s->cfg.server), NULL);
	statickey_wipe(&k);
	if (ret)
		goto err_free;
	ret = tlswrap_replay_init(&d->rx, 15);
	if (ret)
		goto err_key;
	tlswrap_tx_init(&d->tx, 0, (uint32_t)time(NULL));
	s->dyn = d;
	log_info("dynamic tls-crypt: renegotiations use a key of this session");
	return 0;
err_key:
	tlswrap_key_free(&d->key);
err_free:
	mem_wipe(d, sizeof(*d));
	free(d);
	return ret;
}

struct session_dyn *session_dyn_for(const struct session *s, uint8_t key_id)
{
	return key_id ? s->dyn : NULL;
}

void session_dyn_free(struct session *s)
{
	struct session_dyn *d = s->dyn;

	if (!d)
		return;
	tlswrap_key_free(&d->key);
	tlswrap_replay_free(&d->rx);
	mem_wipe(d, sizeof(*d));
	free(d);
	s->dyn = NULL;
}
