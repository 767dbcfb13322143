/* Data channel keys of a client session: derive, install, swap, delete. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "ctl/kdf.h"
#include "ctl/session_keys.h"


/* Test hook: DCOVPN_TEST_EPOCH_LIMIT=N moves epoch keys on after N
 * blocks + packets instead of 2.7's 2^36 - 1, so a test sees rotations
 * (OpenVPN has no option for this either). */
static uint64_t test_epoch_limit(void)
{
	const char *v = getenv("DCOVPN_TEST_EPOCH_LIMIT");

	return v ? strtoull(v, NULL, 10) : 0;
}

static int ks_derive(struct session *s, struct keystate *ks,
		     struct kdf_key_block *kb)
{
	if (s->ekm)
		return kdf_ekm(ks->tls, kb);
	if (s->cfg.server)
		return kdf_prf(&ks->theirs, &ks->ours, s->peer_sid, s->own_sid, kb);
	return kdf_prf(&ks->ours, &ks->theirs, s->own_sid, s->peer_sid, kb);
}

/* The HMAC of a CBC cipher: --auth, SHA1 by default as in OpenVPN. */
static int ks_auth(struct session *s, enum dco_auth *out)
{
	const char *name = s->cfg.auth ? s->cfg.auth : "SHA1";

	if (dco_auth_from_name(name, out) == 0)
		return 0;
	session_fail(s, "--auth %s is not supported with the CBC data channel "
		     "(SHA1, SHA224, SHA256, SHA384 or SHA512)", name);
	return -EINVAL;
}

int session_keys_install(struct session *s, struct keystate *ks)
{
	enum dco_key_slot slot = s->dco_keys ? DCO_KEY_SECONDARY :
					       DCO_KEY_PRIMARY;
	struct kdf_key_block kb;
	struct dco_key_config kc;
	enum dco_auth auth;
	int ret;

	ret = ks_derive(s, ks, &kb);
	if (ret) {
		session_fail(s, "TLS Error: data channel key derivation failed (%s)",
			     s->ekm ? "TLS-EKM" : "PRF");
		return ret;
	}
	ret = kdf_slice(&kb, s->cfg.server ? TLS_ROLE_SERVER : TLS_ROLE_CLIENT,
			s->cipher, ks->key_id, slot, &kc);
	if (!ret && s->epoch) {
		ret = kdf_slice_epoch(&kb, s->cfg.server ? TLS_ROLE_SERVER :
				      TLS_ROLE_CLIENT, &kc);
		kc.epoch_limit = test_epoch_limit();
	}
	kdf_key_block_wipe(&kb);
	if (!ret && dco_cipher_is_cbc(s->cipher) && ks_auth(s, &kc.auth)) {
		dco_key_config_wipe(&kc);
		return -EINVAL;
	}
	if (!ret)
		ret = dco_new_key(s->dco, s->peer_id, &kc);
	auth = kc.auth;
	dco_key_config_wipe(&kc);
	kdf_key_source_wipe(&ks->ours);
	kdf_key_source_wipe(&ks->theirs);
	if (ret) {
		session_fail(s, "cannot install data channel key: %s",
			     strerror(-ret));
		return ret;
	}
	if (s->dco_keys < 2)
		s->dco_keys++;
	ks->dco = slot == DCO_KEY_PRIMARY ? KS_DCO_PRIMARY : KS_DCO_SECONDARY;
	ks->keys_generated = true;
	log_info("Data Channel: cipher '%s'%s%s%s, key-id %u, key derivation %s%s",
		 dco_cipher_name(s->cipher),
		 dco_cipher_is_cbc(s->cipher) ? ", auth '" : "",
		 dco_cipher_is_cbc(s->cipher) ? dco_auth_name(auth) : "",
		 dco_cipher_is_cbc(s->cipher) ? "'" : "", ks->key_id,
		 s->ekm ? "TLS-EKM" : "PRF", s->epoch ? ", epoch data keys" : "");
	return 0;
}

int session_data_keys(struct session *s, enum dco_cipher cipher, bool ekm,
		      bool epoch, struct dco_key_config *out)
{
	struct keystate *ks = s->ks[0];
	struct kdf_key_block kb;
	int ret;

	if (!ks || ks->state != KS_ACTIVE)
		return -EAGAIN;
	s->cipher = cipher;
	s->ekm = ekm;
	ret = ks_derive(s, ks, &kb);
	if (!ret)
		ret = kdf_slice(&kb, s->cfg.server ? TLS_ROLE_SERVER :
				TLS_ROLE_CLIENT, cipher, ks->key_id,
				DCO_KEY_PRIMARY, out);
	if (!ret && epoch)
		ret = kdf_slice_epoch(&kb, s->cfg.server ? TLS_ROLE_SERVER :
				      TLS_ROLE_CLIENT, out);
	kdf_key_block_wipe(&kb);
	kdf_key_source_wipe(&ks->ours);
	kdf_key_source_wipe(&ks->theirs);
	ks->keys_generated = ret == 0;
	return ret;
}

/* OpenVPN's tls_select_encryption_key(). */
static struct keystate *session_select_key(struct session *s, uint64_t now_ms)
{
	struct keystate *sel = NULL;

	for (unsigned i = 0; i < SESSION_KS_N; i++) {
		struct keystate *ks = s->ks[i];

		if (!ks || !ks->keys_generated)
			continue;
		if (!sel)
			sel = ks;
		if (now_ms >= ks->send_after_ms)
			return ks;
	}
	return sel;
}

/* Make the engine's slots match the key choice (2.6 dco_update_keys). */
void session_keys_update(struct session *s, uint64_t now_ms)
{
	struct keystate *prim, *sec = NULL;

	if (!s->dco || !s->dco_keys)
		return;
	prim = session_select_key(s, now_ms);
	if (!prim) {
		dco_del_key(s->dco, s->peer_id, DCO_KEY_PRIMARY);
		dco_del_key(s->dco, s->peer_id, DCO_KEY_SECONDARY);
		s->dco_keys = 0;
		return;
	}
	for (unsigned i = 0; i < SESSION_KS_N; i++)
		if (s->ks[i] && s->ks[i] != prim && s->ks[i]->keys_generated)
			sec = s->ks[i];
	if (prim->dco == KS_DCO_SECONDARY) {
		log_debug("Swapping primary and secondary keys to primary-id=%u",
			  prim->key_id);
		if (dco_swap_keys(s->dco, s->peer_id) == 0) {
			prim->dco = KS_DCO_PRIMARY;
			if (sec && sec->dco == KS_DCO_PRIMARY)
				sec->dco = KS_DCO_SECONDARY;
		}
	}
	if (!sec && s->dco_keys == 2) {
		dco_del_key(s->dco, s->peer_id, DCO_KEY_SECONDARY);
		s->dco_keys = 1;
	}
	for (unsigned i = 0; i < SESSION_KS_N; i++)
		if (s->ks[i] && s->ks[i] != prim && s->ks[i] != sec)
			s->ks[i]->dco = KS_DCO_NONE;
}

