/*
 * Static key mode (OpenVPN's --secret): no TLS, no control channel; the
 * data channel runs on the key file's keys from the start, in the legacy
 * CBC + HMAC format with long packet-ids (proto/datapkt_cbc.h). The key
 * direction picks which of the file's two keys sends (conf/statickey.h).
 */
#include <errno.h>
#include <string.h>

#include "base/log.h"
#include "daemon/client_conn.h"

void client_static_wait_peer(struct conn *c)
{
	sa_family_t family = c->remote.ss_family == AF_INET ? AF_INET : AF_INET6;

	if (!c->remote_open)
		return;
	memset(&c->remote, 0, sizeof(c->remote));
	c->remote.ss_family = family;
	c->remote_len = family == AF_INET ? sizeof(struct sockaddr_in) :
					    sizeof(struct sockaddr_in6);
	log_info("Static key mode: waiting for the peer's first authentic packet");
}

int client_static_key(struct conn *c, enum dco_cipher cipher)
{
	struct dco_key_config kc = { .slot = DCO_KEY_PRIMARY, .cipher = cipher,
				     .static_key = true };
	const char *auth = c->o->auth ? c->o->auth : "SHA1";
	size_t klen = dco_cipher_key_len(cipher);
	struct statickey_slices s;
	int ret;

	if (dco_auth_from_name(auth, &kc.auth)) {
		log_err("Options error: --auth %s is not supported in static key "
			"mode (SHA1, SHA224, SHA256, SHA384 or SHA512)", auth);
		return -EINVAL;
	}
	ret = statickey_slice(&c->cc->secret, clientcfg_keydir(c->o->key_direction),
			      &s);
	if (ret)
		return ret;
	memcpy(kc.encrypt.key, s.send_cipher, klen);
	memcpy(kc.encrypt.hmac_key, s.send_hmac, DCO_HMAC_KEY_MAX);
	memcpy(kc.decrypt.key, s.recv_cipher, klen);
	memcpy(kc.decrypt.hmac_key, s.recv_hmac, DCO_HMAC_KEY_MAX);
	ret = dco_new_key(c->dco, c->peer_id, &kc);
	dco_key_config_wipe(&kc);
	if (ret) {
		log_err("cannot install the static key: %s", strerror(-ret));
		return ret;
	}
	log_info("Static key mode: cipher '%s', auth '%s', key direction %s",
		 dco_cipher_name(cipher), auth,
		 c->o->key_direction == OPT_KEYDIR_NORMAL ? "0" :
		 c->o->key_direction == OPT_KEYDIR_INVERSE ? "1" : "bidirectional");
	return 0;
}
