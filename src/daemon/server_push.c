/*
 * A client's set-up at PUSH_REQUEST: the client-config-dir file, the
 * address, NCP, the peer in the engine and the PUSH_REPLY. (The server's
 * own addressing is in server_plan.c.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>

#include "base/clock.h"
#include "base/log.h"
#include "ctl/keymethod2.h"
#include "ctl/push.h"
#include "ctl/session_dyn.h"
#include "daemon/server_ccd.h"
#include "daemon/server_ekm.h"
#include "daemon/server_int.h"
#include "ev/loop.h"

/* Everything pushed to one client, before it is cut into messages. */
#define PUSH_REPLY_MAX 65536u
/* OpenVPN's PUSH_BUNDLE_SIZE: no PUSH_REPLY message is longer. */
#define PUSH_BUNDLE 1024u
#define PUSH_CONT_MORE ",push-continuation 2"
#define PUSH_CONT_LAST ",push-continuation 1"
#define DEFAULT_DATA_CIPHERS "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305"

/* ---- client-config-dir --------------------------------------------------- */

/* 1: a file was read into @co; 0: none; <0: refuse the client. */
static int ccd_read(struct srv_client *c, struct options *co)
{
	const struct opt_server *so = c->srv->so;
	char path[4096], err[OPT_ERR_LEN];
	/* OpenVPN's name for "no common name" */
	const char *name = c->cn[0] ? c->cn : "UNDEF";

	/* what a reload compares to (server_reload.c) */
	server_ccd_digest(so, name, c->ccd_digest);
	if (!so->ccd_dir)
		return 0;
	if (!server_ccd_path(so, name, path, sizeof(path))) {
		if (so->ccd_exclusive) {
			log_err("%s MULTI: client-config-dir file for '%s' "
				"not found (--ccd-exclusive)", c->prefix, name);
			return -ENOENT;
		}
		return 0;
	}
	if (options_parse_ccd(co, path, err, sizeof(err))) {
		log_err("%s MULTI: %s", c->prefix, err);
		return -EINVAL;
	}
	log_info("%s OPTIONS IMPORT: reading client specific options from: %s",
		 c->prefix, path);
	return 1;
}

/* ---- NCP ------------------------------------------------------------------ */

/* The first of our data-ciphers the client lists (2.6 ncp_get_best_cipher),
 * else the fallback for a client without NCP. */
static int server_ncp(const struct srv_client *c, enum dco_cipher *out)
{
	const struct options *o = c->srv->o;
	const char *pi = c->sess.peer_info;
	char theirs[512] = "", ours[512], ncp[16] = "";
	char *save;

	snprintf(ours, sizeof(ours), "%s", o->data_ciphers ? o->data_ciphers :
		 DEFAULT_DATA_CIPHERS);
	if (pi && km2_peer_info_get(pi, "IV_CIPHERS", theirs, sizeof(theirs)))
		theirs[0] = 0;
	if (!theirs[0] && pi && !km2_peer_info_get(pi, "IV_NCP", ncp, sizeof(ncp)) &&
	    atoi(ncp) >= 2)
		snprintf(theirs, sizeof(theirs), "AES-256-GCM:AES-128-GCM");
	for (char *t = strtok_r(ours, ":", &save); t && theirs[0];
	     t = strtok_r(NULL, ":", &save)) {
		if (push_cipher_in_list(theirs, t) && !dco_cipher_from_name(t, out) &&
		    *out != DCO_CIPHER_NONE)
			return 0;
	}
	if (o->data_ciphers_fallback &&
	    !dco_cipher_from_name(o->data_ciphers_fallback, out))
		return 0;
	log_err("%s TLS Error: no shared cipher (client IV_CIPHERS '%s', "
		"server data-ciphers '%s')", c->prefix, theirs,
		o->data_ciphers ? o->data_ciphers : DEFAULT_DATA_CIPHERS);
	return -EPROTONOSUPPORT;
}

/* ---- addresses -------------------------------------------------------------- */

static int client_address(struct srv_client *c, const struct opt_server *cs)
{
	struct server *s = c->srv;

	if (cs && cs->ifconfig_push_set) {
		c->has4 = true;
		c->vpn4 = cs->ifconfig_push_local;
	} else if (s->has_pool) {
		c->pool_idx = pool_acquire(&s->pool, s->so->duplicate_cn ? NULL : c->cn);
		if (c->pool_idx < 0) {
			log_err("%s MULTI: no free --ifconfig-pool address", c->prefix);
			return -ENOSPC;
		}
		c->has4 = true;
		pool_addr4(&s->pool, c->pool_idx, &c->vpn4);
		if (s->pool.has6) {
			c->has6 = true;
			pool_addr6(&s->pool, c->pool_idx, &c->vpn6);
		}
	}
	if (cs && cs->ifconfig_ipv6_push_set) {
		c->has6 = true;
		c->vpn6 = cs->ifconfig_ipv6_push;
	}
	return 0;
}

/* ---- the PUSH_REPLY --------------------------------------------------------- */

struct reply {
	char buf[PUSH_REPLY_MAX];
	size_t len;
	bool full;
};

static void add(struct reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, sizeof(r->buf) - r->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(r->buf) - r->len) {
		r->buf[r->len] = 0;
		r->full = true;
		return;
	}
	r->len += (size_t)n;
}

static void add_pushes(struct reply *r, const struct opt_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		add(r, ",%s", v->v[i]);
}

static void reply_ifconfig(struct reply *r, const struct srv_client *c,
			   const struct opt_server *cs)
{
	const struct server *s = c->srv;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (c->has6) {
		inet_ntop(AF_INET6, &c->vpn6, a, sizeof(a));
		inet_ntop(AF_INET6, &s->local6, b, sizeof(b));
		add(r, ",ifconfig-ipv6 %s/%d %s", a,
		    cs && cs->ifconfig_ipv6_push_set ? cs->ifconfig_ipv6_push_bits :
		    s->bits6, b);
	}
	if (!c->has4)
		return;
	inet_ntop(AF_INET, &c->vpn4, a, sizeof(a));
	if (cs && cs->ifconfig_push_set) {
		inet_ntop(AF_INET, &cs->ifconfig_push_mask, b, sizeof(b));
	} else if (s->topo == OPT_TOPO_SUBNET) {
		inet_ntop(AF_INET, &s->mask4, b, sizeof(b));
	} else {
		struct in_addr peer = { .s_addr = htonl(ntohl(c->vpn4.s_addr) - 1) };

		inet_ntop(AF_INET, &peer, b, sizeof(b));
	}
	add(r, ",ifconfig %s %s", a, b);
}

/* What `server` and `keepalive` add to the push list (helper.c). */
static void reply_implied(struct reply *r, const struct server *s)
{
	const struct options *o = s->o;
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];

	if (s->so->bridge) {
		inet_ntop(AF_INET, &s->so->bridge_gw, a, sizeof(a));
		add(r, ",route-gateway %s", a);
	} else if (s->so->bridge_dhcp && !s->so->bridge_nogw) {
		add(r, ",route-gateway dhcp");
	} else if (s->so->server_set && s->topo == OPT_TOPO_SUBNET) {
		inet_ntop(AF_INET, &s->local4, a, sizeof(a));
		/* a tap client needs no topology (OpenVPN pushes none) */
		add(r, "%s,route-gateway %s", o->dev_type == OPT_DEV_TAP ? "" :
		    ",topology subnet", a);
	} else if (s->so->server_set) {
		inet_ntop(AF_INET, &s->so->net, a, sizeof(a));
		inet_ntop(AF_INET, &s->so->mask, m, sizeof(m));
		if (s->so->client_to_client)
			add(r, ",route %s %s", a, m);
		else {
			inet_ntop(AF_INET, &s->local4, a, sizeof(a));
			add(r, ",route %s", a);
		}
		add(r, ",topology net30");
	}
	if (o->keepalive_ping > 0 || o->keepalive_timeout > 0)
		add(r, ",ping %d,ping-restart %d", o->keepalive_ping,
		    o->keepalive_timeout);
}

/*
 * Cut "PUSH_REPLY,a,b,..." into messages of at most PUSH_BUNDLE bytes, as
 * OpenVPN's send_push_reply does: every message but the last ends in
 * "push-continuation 2", the last in "push-continuation 1" (a reply that
 * fits in one message has neither). The messages go one after the other,
 * each NUL-terminated, into one allocation; *n says how many.
 */
static char *reply_split(const char *full, unsigned *n)
{
	const char *p = full + strlen("PUSH_REPLY");
	size_t flen = strlen(full), cap = 2 * flen + 64 * (flen / 512 + 2);
	char *out = malloc(cap), *msg;
	size_t used = 0;

	*n = 0;
	if (!out)
		return NULL;
	if (flen <= PUSH_BUNDLE) {
		memcpy(out, full, flen + 1);
		*n = 1;
		return out;
	}
	msg = out;
	used = (size_t)sprintf(msg, "PUSH_REPLY");
	while (*p == ',') {
		size_t olen = strcspn(p + 1, ","), mlen = strlen(msg);

		if (mlen > strlen("PUSH_REPLY") &&
		    mlen + 1 + olen + strlen(PUSH_CONT_MORE) > PUSH_BUNDLE) {
			strcpy(msg + mlen, PUSH_CONT_MORE);
			used += strlen(PUSH_CONT_MORE) + 1;
			(*n)++;
			msg = out + used;
			used += (size_t)sprintf(msg, "PUSH_REPLY");
			mlen = strlen(msg);
		}
		memcpy(msg + mlen, p, olen + 1);
		msg[mlen + olen + 1] = '\0';
		used += olen + 1;
		p += olen + 1;
	}
	strcpy(msg + strlen(msg), PUSH_CONT_LAST);
	(*n)++;
	return out;
}

/*
 * push-remove (ccd): drop the options added since @from that contain one
 * of @rm as a substring, as OpenVPN filters its push list (the server's
 * push lines and the implied route-gateway, topology, ping; never
 * ifconfig, peer-id, cipher or the protocol flags, added later).
 */
static void reply_remove(struct reply *r, size_t from, const struct opt_strv *rm)
{
	char *opt = r->buf + from, *out = opt;

	while (*opt == ',') {
		size_t n = strcspn(opt + 1, ",") + 1;
		char save = opt[n];
		bool drop = false;

		opt[n] = '\0';
		for (size_t i = 0; i < rm->n && !drop; i++)
			drop = strstr(opt + 1, rm->v[i]) != NULL;
		opt[n] = save;
		if (!drop) {
			memmove(out, opt, n);
			out += n;
		}
		opt += n;
	}
	memmove(out, opt, strlen(opt) + 1);
	r->len = strlen(r->buf);
}

static void reply_build(struct reply *r, const struct srv_client *c,
			const struct opt_server *cs, bool ekm, unsigned proto,
			const char *token)
{
	const struct server *s = c->srv;

	add(r, "PUSH_REPLY");
	if (!cs || !cs->push_reset) {
		add_pushes(r, &s->so->push);
		reply_implied(r, s);
	}
	if (cs && cs->push_remove.n)
		reply_remove(r, strlen("PUSH_REPLY"), &cs->push_remove);
	if (cs)
		add_pushes(r, &cs->push);
	reply_ifconfig(r, c, cs);
	if (token && *token)
		add(r, ",auth-token %s", token);
	if (proto & KM2_IV_PROTO_DATA_V2)
		add(r, ",peer-id %u", c->peer_id);
	add(r, ",cipher %s", dco_cipher_name(c->cipher));
	if (s->o->tcp_nodelay)
		add(r, ",socket-flags TCP_NODELAY");
	/* dyn-tls-crypt: to a client announcing it (2.7), which then expects
	 * renegotiations under the session's key (server_client_setup);
	 * aead-epoch: epoch data keys (c->epoch, server_client_setup) */
	if ((proto & (KM2_IV_PROTO_CC_EXIT_NOTIFY |
		      KM2_IV_PROTO_DYN_TLS_CRYPT)) || ekm || c->epoch)
		add(r, ",protocol-flags%s%s%s%s",
		    (proto & KM2_IV_PROTO_CC_EXIT_NOTIFY) ? " cc-exit" : "",
		    ekm ? " tls-ekm" : "",
		    (proto & KM2_IV_PROTO_DYN_TLS_CRYPT) ? " dyn-tls-crypt" : "",
		    c->epoch ? " aead-epoch" : "");
}

/* ---- the data channel -------------------------------------------------------- */

static int client_peer(struct srv_client *c, const struct opt_server *cs,
		       unsigned proto)
{
	struct server *s = c->srv;
	const struct options *o = s->o;
	struct dco_peer_config pc = {
		.peer_id = c->peer_id,
		.transport = c->tr,
		.tx_data_v1 = !(proto & KM2_IV_PROTO_DATA_V2),
		.has_vpn_ip4 = c->has4,
		.has_vpn_ip6 = c->has6,
		.vpn_ip4 = c->vpn4,
		.vpn_ip6 = c->vpn6,
		.tcp_queue_limit = (unsigned)o->tcp_queue_limit,
	};
	int ping = o->ping > 0 ? o->ping : 0;
	int timeout = o->ping_restart > 0 ? o->ping_restart : 0;
	int ret;

	if (c->tr == DCO_TRANSPORT_UDP) {
		pc.fd = c->ln->fd;
		memcpy(&pc.remote, &c->addr, c->addr_len);
		pc.remote_len = c->addr_len;
		pc.local = c->local;
	} else {
		loop_del(s->loop, c->tcp_fd);
		pc.fd = c->tcp_fd;
		c->tcp_fd = -1;  /* the engine's now */
	}
	ret = dco_new_peer(s->dco, &pc);
	if (ret) {
		log_err("%s cannot add the peer to the engine: %s", c->prefix,
			strerror(-ret));
		return ret;
	}
	c->peer_added = true;
	c->pre_rx_bytes = c->sess.link_rx_bytes;
	c->pre_tx_bytes = c->sess.link_tx_bytes;
	server_quota_iroutes(c, cs);
	/* The server side of keepalive: twice the pushed timeout. */
	if (o->keepalive_timeout > 0)
		timeout = o->keepalive_timeout * 2;
	return dco_set_peer(s->dco, c->peer_id, (unsigned)ping, (unsigned)timeout);
}

/* A newer connection with the same CN replaces older ones. */
static void drop_same_cn(struct srv_client *c)
{
	struct server *s = c->srv;

	struct srv_client *o = NULL;

	if (s->so->duplicate_cn || !c->cn[0])
		return;
	/* killing leaves @o in the index until the reap */
	while ((o = server_index_cn(&s->idx, c->cn, o)))
		if (o != c && !o->dead && o->pushed)
			server_client_kill(o, "MULTI: new connection by client "
					   "will cause previous active sessions "
					   "by this client to be dropped");
}

static void log_learn(const struct srv_client *c)
{
	char a[INET6_ADDRSTRLEN];

	if (c->has4) {
		inet_ntop(AF_INET, &c->vpn4, a, sizeof(a));
		log_info("%s MULTI: Learn: %s -> %s", c->prefix, a, c->prefix);
	}
	if (c->has6) {
		inet_ntop(AF_INET6, &c->vpn6, a, sizeof(a));
		log_info("%s MULTI: Learn: %s -> %s", c->prefix, a, c->prefix);
	}
}

/* A client-connect file's ifconfig-push wins over the pool address. */
static void client_readdress(struct srv_client *c, const struct opt_server *cs)
{
	if (!cs || !cs->ifconfig_push_set || c->pool_idx < 0)
		return;
	pool_release(&c->srv->pool, c->pool_idx);
	c->pool_idx = -1;
	c->vpn4 = cs->ifconfig_push_local;
}

/* Who the client is, what its ccd file says, its cipher and address. */
int server_client_identify(struct srv_client *c, struct options *co)
{
	int ret;

	if (c->srv->so->username_as_cn && c->sess.peer_user &&
	    c->sess.peer_user[0]) {
		/* as OpenVPN: never cut, refused */
		if (strlen(c->sess.peer_user) > SAFENAME_FIELD_MAX) {
			log_err("%s TLS Auth Error: --username-as-common name "
				"specified and username is longer than the maximum "
				"permitted Common Name length of %u characters",
				c->prefix, SAFENAME_FIELD_MAX);
			return -EPERM;
		}
		if (server_client_name(c, c->sess.peer_user))
			return -ENOMEM;
	}
	ret = ccd_read(c, co);
	if (ret < 0)
		return ret;
	if (co->srv && co->srv->disable) {
		log_err("%s MULTI: client has been disabled (client-config-dir)",
			c->prefix);
		return -EPERM;
	}
	ret = server_ncp(c, &c->cipher);
	if (!ret)
		ret = client_address(c, co->srv);
	return ret;
}

/*
 * auth-gen-token: a token for the client's username, a renewal of the
 * token it came with if it did. false: none (no token key, no username,
 * or it could not be made).
 */
bool server_client_token(const struct srv_client *c, char token[AUTHTOKEN_MAX])
{
	return c->srv->has_token_key && c->sess.peer_user &&
	       c->sess.peer_user[0] &&
	       authtoken_make(&c->srv->token_key, c->sess.peer_user,
			      c->sess.peer_pass, time(NULL), token) == 0;
}

int server_client_setup(struct srv_client *c, struct options *co)
{
	const struct opt_server *cs;
	unsigned proto = c->sess.peer_info ? km2_peer_info_proto(c->sess.peer_info) : 0;
	bool ekm = proto & KM2_IV_PROTO_TLS_KEY_EXPORT;
	struct reply *r = calloc(1, sizeof(*r));
	char token[AUTHTOKEN_MAX] = "";
	int ret = r ? 0 : -ENOMEM;

	if (!ret && co->srv && co->srv->disable)
		ret = -EPERM;
	c->epoch = km2_epoch_negotiated(proto, c->cipher);
	if (!ret)
		ret = server_ekm_required(c, ekm);
	cs = co->srv;
	if (!ret) {
		client_readdress(c, cs);
		ret = client_peer(c, cs, proto);
	}
	if (!ret)
		ret = session_set_data(&c->sess, c->srv->dco, c->peer_id, c->cipher,
				       ekm, c->epoch, clock_now_ms());
	if (!ret && (proto & KM2_IV_PROTO_DYN_TLS_CRYPT))
		ret = session_dyn_start(&c->sess);
	if (ret)
		goto out;
	/* auth-gen-token: the client's next key exchanges send this instead
	 * of its password */
	if (!server_client_token(c, token))
		token[0] = '\0';
	reply_build(r, c, cs, ekm, proto, token);
	OPENSSL_cleanse(token, sizeof(token));
	if (r->full)
		log_warn("%s PUSH_REPLY truncated at %u bytes", c->prefix,
			 PUSH_REPLY_MAX);
	c->push_reply = reply_split(r->buf, &c->n_push_msgs);
	if (!c->push_reply) {
		ret = -ENOMEM;
		goto out;
	}
	server_client_set_pushed(c, true);
	drop_same_cn(c);
	log_learn(c);
	server_plugin_learn(c, "add");
	server_script_learn(c, "add");
	server_learn_iroutes(c, "add");
	log_info("%s Data Channel: cipher '%s', peer-id: %u", c->prefix,
		 dco_cipher_name(c->cipher), c->peer_id);
	server_mgmt_established(c);
out:
	free(r);
	return ret;
}

/* The message as sent, its auth-token (a password stand-in) blanked. */
void server_log_sent(const struct srv_client *c, const char *msg)
{
	char shown[256];
	char *t;

	snprintf(shown, sizeof(shown), "%.200s", msg);
	t = strstr(shown, ",auth-token ");
	if (t) {
		t += strlen(",auth-token ");
		snprintf(t, sizeof(shown) - (size_t)(t - shown), "[REDACTED]%s",
			 strchr(msg + (t - shown), ',') ?
			 strchr(msg + (t - shown), ',') : "");
		shown[200] = '\0';
	}
	log_info("%s SENT CONTROL [%s]: '%s' (status=1)", c->prefix, c->cn,
		 shown);
}

void server_push_send(struct srv_client *c)
{
	c->push_again_ms = clock_now_ms() + SERVER_PUSH_AGAIN_MS;
	for (unsigned i = 0, off = 0; i < c->n_push_msgs; i++) {
		const char *msg = c->push_reply + off;

		if (!session_send_message(&c->sess, msg, clock_now_ms()))
			server_log_sent(c, msg);
		off += (unsigned)strlen(msg) + 1;
	}
}

void server_client_disconnect(struct srv_client *c)
{
	server_plugin_disconnect(c);
	server_script_disconnect(c);
	server_plugin_learn(c, "delete");
	server_script_learn(c, "delete");
	server_learn_iroutes(c, "delete");
	free(c->push_reply);
	c->push_reply = NULL;
	server_client_set_pushed(c, false);
}
