/* The client's data channel: the cipher (pushed, or P2P NCP), the peer in
 * the engine, keepalive, the tun's addresses. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/log.h"
#include "ctl/keymethod2.h"
#include "ctl/session_dyn.h"
#include "daemon/client_conn.h"

/* ---- data channel --------------------------------------------------------- */

/*
 * Compression framing as OpenVPN 2.6 does it with allow-compression no (its
 * default): whatever a server pushes, we frame but never compress, and a
 * really compressed packet from the server is dropped (and counted). The
 * engine's stubs carry the framing (src/dco/compstub.h).
 */
static enum dco_comp conn_compression(const struct conn *c)
{
	switch (c->o->compress) {
	case OPT_COMP_NO:
	case OPT_COMP_LZO:
		return DCO_COMP_LZO_STUB;
	case OPT_COMP_STUB:
	case OPT_COMP_LZ4:
		return DCO_COMP_STUB_SWAP;
	case OPT_COMP_STUB_V2:
	case OPT_COMP_LZ4_V2:
		return DCO_COMP_STUB_V2;
	default:
		return DCO_COMP_NONE;
	}
}

static void conn_log_compression(const struct conn *c)
{
	if (c->o->compress == OPT_COMP_LZO || c->o->compress == OPT_COMP_LZ4 ||
	    c->o->compress == OPT_COMP_LZ4_V2)
		log_warn("WARNING: the server asks for compression; dcovpn "
			 "never compresses (VORACLE) and frames packets "
			 "uncompressed, as OpenVPN 2.6 with allow-compression "
			 "no; compressed packets from the server are dropped");
}

static int conn_add_peer(struct conn *c)
{
	struct dco_peer_config pc = {
		.peer_id = c->o->peer_id >= 0 ? (uint32_t)c->o->peer_id : 0,
		.transport = c->tr,
		.tx_data_v1 = c->o->peer_id < 0,
		.comp = conn_compression(c),
	};
	int ret;

	if (c->tr == DCO_TRANSPORT_UDP) {
		pc.fd = c->udp_fd;
		memcpy(&pc.remote, &c->remote, c->remote_len);
		pc.remote_len = c->remote_len;
	} else {
		/* The engine owns the stream from here, at a frame boundary. */
		loop_del(c->loop, c->tcp_fd);
		pc.fd = c->tcp_fd;
		c->tcp_fd = -1;
	}
	ret = dco_new_peer(c->dco, &pc);
	if (ret) {
		log_err("cannot add the peer to the engine: %s", strerror(-ret));
		return ret;
	}
	c->peer_added = true;
	c->peer_id = pc.peer_id;
	return 0;
}

/*
 * The cipher to check: the pushed one; if the server pushed the same name
 * as our --cipher (or none), --cipher counts when data-ciphers allows it,
 * else push_cipher() falls back to data-ciphers-fallback.
 */
static const char *conn_pushed_cipher(const struct conn *c)
{
	const char *now = c->o->cipher;

	if (!now)
		return NULL;
	if (c->config_cipher && !strcmp(now, c->config_cipher) &&
	    !push_cipher_allowed(c->o, now))
		return NULL;
	return now;
}

int conn_keepalive(struct conn *c)
{
	const struct options *o = c->o;
	int ping = o->ping > 0 ? o->ping : 0;
	int restart = o->ping_restart > 0 ? o->ping_restart :
		      o->ping_exit > 0 ? o->ping_exit : 0;

	if (o->keepalive_ping > 0 && !ping)
		ping = o->keepalive_ping;
	if (o->keepalive_timeout > 0 && !restart)
		restart = o->keepalive_timeout;
	/* ping-timer-rem: no timer before the peer's address is known
	 * (client_link.c starts it when the peer shows up) */
	if (o->ping_timer_rem && c->remote_open)
		restart = 0;
	return dco_set_peer(c->dco, c->peer_id, (unsigned)ping, (unsigned)restart);
}


/* Data channel up with the negotiated @cipher and key derivation; @dyn:
 * renegotiations under dyn-tls-crypt; @epoch: OpenVPN 2.7's epoch data
 * keys. */
static int conn_data_up(struct conn *c, enum dco_cipher cipher, bool ekm,
			bool dyn, bool epoch)
{
	uint64_t now = clock_now_ms();
	int ret;

	conn_log_compression(c);
	ret = conn_add_peer(c);
	if (!ret)
		ret = c->cc->has_secret ? client_static_key(c, cipher) :
		      session_set_data(&c->sess, c->dco, c->peer_id, cipher, ekm,
				       epoch, now);
	if (!ret && dyn)
		ret = session_dyn_start(&c->sess);
	if (!ret)
		ret = conn_keepalive(c);
	if (ret)
		return ret;
	/* OpenVPN starts its timers again when a push brings timer options
	 * (a pushed session-timeout counts from here) */
	if (c->o->pull)
		c->session_deadline_ms = client_session_deadline(c->o, now);
	client_mgmt_state_addr(c->cm, "ASSIGN_IP", c->o, NULL);
	ret = c->dev_null || c->o->ifconfig_noexec ? 0 :
	      netcfg_addresses(c->o, dco_ifindex(c->dco), dco_ifname(c->dco));
	if (!ret)
		ret = dco_start(c->dco);
	if (ret) {
		log_err("cannot bring up %s: %s", dco_ifname(c->dco), strerror(-ret));
		return ret;
	}
	log_info("TUN/TAP device %s opened", dco_ifname(c->dco));
	snprintf(c->ifname, sizeof(c->ifname), "%s", dco_ifname(c->dco));
	c->up = true;
	conn_auth_token(c);
	conn_up_script(c);
	return 0;
}

/* Pull: the PUSH_REPLY decided cipher, key derivation, peer-id. */
int conn_pull_up(struct conn *c)
{
	char err[256] = "";
	enum dco_cipher cipher;
	int ret;

	ret = push_cipher(c->o, conn_pushed_cipher(c), &cipher, err, sizeof(err));
	if (ret) {
		log_err("%s", err);
		return ret;
	}
	c->cc_exit = c->o->protocol_flags & OPT_PF_CC_EXIT;
	conn_clash_warn(c, true);
	ret = push_epoch(c->o, cipher, err, sizeof(err));
	if (ret < 0) {
		log_err("%s", err);
		return ret;
	}
	return conn_data_up(c, cipher,
			    c->o->key_derivation_ekm ||
			    (c->o->protocol_flags & OPT_PF_TLS_EKM),
			    c->o->protocol_flags & OPT_PF_DYN_TLS_CRYPT, ret);
}

/* The TLS server's list order wins (2.6 get_p2p_ncp_cipher). @peer is
 * the peer's IV_CIPHERS; the result points into @peer or @buf. */
static const char *conn_p2p_cipher(const struct conn *c, char *peer,
				   char *buf, size_t len)
{
	if (!c->o->tls_server) {
		for (char *save, *t = strtok_r(peer, ":", &save); t;
		     t = strtok_r(NULL, ":", &save))
			if (push_cipher_allowed(c->o, t))
				return t;
		return NULL;
	}
	snprintf(buf, len, "%s", c->o->data_ciphers ? c->o->data_ciphers :
		 "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305");
	for (char *save, *t = strtok_r(buf, ":", &save); t;
	     t = strtok_r(NULL, ":", &save))
		if (push_cipher_in_list(peer, t))
			return t;
	return NULL;
}

/*
 * P2P (tls-client without pull), as 2.6's p2p_mode_ncp: the cipher is the
 * first of the TLS server's IV_CIPHERS that we allow; TLS-EKM, DATA_V2
 * and cc-exit when the peer's IV_PROTO has them; the peer-id is "vpn"
 * (0x76706e) or, with EKM, 3 exported bytes.
 */
int conn_p2p_up(struct conn *c)
{
	const char *pi = c->sess.peer_info;
	unsigned proto = pi ? km2_peer_info_proto(pi) : 0;
	char list[512] = "", ours[512], err[256] = "";
	const char *pick = NULL;
	enum dco_cipher cipher;
	bool ekm = false, epoch;
	unsigned both;
	int ret;

	if ((proto & KM2_IV_PROTO_NCP_P2P) &&
	    km2_peer_info_get(pi, "IV_CIPHERS", list, sizeof(list)) == 0)
		pick = conn_p2p_cipher(c, list, ours, sizeof(ours));
	if (!(proto & KM2_IV_PROTO_NCP_P2P))
		proto = 0;
	ret = push_cipher(c->o, pick, &cipher, err, sizeof(err));
	if (ret) {
		log_err("%s", err);
		return ret;
	}
	c->o->peer_id = -1;
	if (proto & KM2_IV_PROTO_DATA_V2)
		c->o->peer_id = 0x76706e;
	if (proto & KM2_IV_PROTO_TLS_KEY_EXPORT) {
		uint8_t id[3];

		ekm = true;
		if ((proto & KM2_IV_PROTO_DATA_V2) &&
		    session_export(&c->sess, "EXPORTER-OpenVPN-p2p-peerid", id,
				   sizeof(id)) == 0)
			c->o->peer_id = (int)((unsigned)id[0] << 16 |
					      (unsigned)id[1] << 8 | id[2]);
	}
	c->cc_exit = proto & KM2_IV_PROTO_CC_EXIT_NOTIFY;
	/* dyn-tls-crypt and epoch keys when both announced them (2.7
	 * p2p_mode_ncp) */
	both = proto & km2_peer_info_proto(c->cc->peer_info);
	epoch = km2_epoch_negotiated(both, cipher);
	/* 2.7's words (ssl_ncp.c) */
	log_info("P2P mode NCP negotiation result: TLS_export=%d, DATA_v2=%d, "
		 "peer-id %d, epoch=%d, cipher=%s", ekm, c->o->peer_id >= 0,
		 c->o->peer_id, epoch, dco_cipher_name(cipher));
	return conn_data_up(c, cipher, ekm, both & KM2_IV_PROTO_DYN_TLS_CRYPT,
			    epoch);
}

/* Static key mode: --cipher (checked by options_check), no header. */
int conn_static_up(struct conn *c)
{
	enum dco_cipher cipher;

	if (dco_cipher_from_name(c->o->cipher, &cipher))
		return -EINVAL;
	c->o->peer_id = -1;
	client_static_wait_peer(c);
	return conn_data_up(c, cipher, false, false, false);
}

/* A mismatch of configuration does not heal by reconnecting. */
void conn_after_up(struct conn *c, int ret)
{
	if (ret == -EINVAL || ret == -EPROTONOSUPPORT)
		conn_end(c, END_FATAL);
	else if (ret)
		conn_end(c, END_RESTART);
}
