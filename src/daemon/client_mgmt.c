/* --management on the client. See client_mgmt.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "daemon/client_mgmt.h"
#include "daemon/client_status.h"

static void cm_status(void *ctx, FILE *f, int version)
{
	struct client_mgmt *cm = ctx;
	struct dco_stats st = { 0 };
	char buf[2048];
	int n;

	(void)version; /* a client has one format */
	if (cm->dco)
		dco_get_stats(cm->dco, DCO_PEER_ID_NONE, &st);
	n = client_status_format(&st, time(NULL), buf, sizeof(buf));
	if (n > 0)
		fwrite(buf, 1, (size_t)n, f);
}

static void cm_bytecount(void *ctx, struct mgmt *m)
{
	struct client_mgmt *cm = ctx;
	struct dco_stats st;

	if (!cm->dco || dco_get_stats(cm->dco, DCO_PEER_ID_NONE, &st))
		return;
	mgmt_notify(m, ">BYTECOUNT:%llu,%llu",
		    (unsigned long long)st.link_rx_bytes,
		    (unsigned long long)st.link_tx_bytes);
}

static void cm_load(void *ctx, unsigned *n, uint64_t *in, uint64_t *out)
{
	struct client_mgmt *cm = ctx;
	struct dco_stats st;

	*n = 0;
	if (cm->dco && !dco_get_stats(cm->dco, DCO_PEER_ID_NONE, &st)) {
		*in = st.link_rx_bytes;
		*out = st.link_tx_bytes;
	}
}

static const char *pick_proto(const struct opt_endpoint *ep);

static unsigned cm_remote_count(void *ctx)
{
	const struct client_mgmt *cm = ctx;

	return (unsigned)cm->o->n_remotes;
}

static int cm_remote_get(void *ctx, unsigned i, char *buf, size_t len)
{
	const struct client_mgmt *cm = ctx;
	struct opt_endpoint ep;

	if (options_remote(cm->o, i, &ep))
		return -ENOENT;
	snprintf(buf, len, "%s,%s,%s,enabled", ep.host, ep.port,
		 pick_proto(&ep));
	return 0;
}

/* As OpenVPN's PUSH_BUNDLE_SIZE: the longest control message it sends. */
#define CM_CC_MAX 1024u

static int cm_cc_message(void *ctx, const char *cmd, const char *arg)
{
	struct client_mgmt *cm = ctx;
	char msg[CM_CC_MAX];
	int n, ret;

	n = snprintf(msg, sizeof(msg), "%s,%s", cmd, arg);
	/* as OpenVPN: with no control channel yet (before the first
	 * connection), nothing is sent and the command "succeeds" */
	ret = n < 0 || (size_t)n >= sizeof(msg) ? -EMSGSIZE :
	      !cm->sess ? 0 :
	      session_send_message(cm->sess, msg, clock_now_ms());
	mem_wipe(msg, sizeof(msg));
	if (ret == -EMSGSIZE || !cm->sess)
		return ret;
	/* the answer (an OTP, say) is a secret: never logged */
	log_info("SENT CONTROL [server]: '%s,[redacted]' (status=%d)", cmd,
		 ret == 0);
	return ret;
}

/* The running connection's session keeps what it authenticated with;
 * the credentials and token go before the next one (client_run). */
static void cm_forget(void *ctx)
{
	struct client_mgmt *cm = ctx;

	cm->forgotten = true;
}

static const struct mgmt_ops client_mgmt_ops = {
	.forget = cm_forget,
	.cc_message = cm_cc_message,
	.remote_count = cm_remote_count,
	.remote_get = cm_remote_get,
	.status = cm_status,
	.bytecount = cm_bytecount,
	.load = cm_load,
};

static int cm_ask(void *ctx, const char *type, char *user, size_t ulen,
		  char *pass, size_t plen, const char *sc, bool sc_echo)
{
	struct client_mgmt *cm = ctx;

	return mgmt_query(cm->m, cm->loop, type, user, ulen, pass, plen, sc,
			  sc_echo);
}

static int cm_sign(void *ctx, const char *alg, const uint8_t *in,
		   size_t inlen, uint8_t *sig, size_t *siglen)
{
	struct client_mgmt *cm = ctx;

	return mgmt_pk_sign(cm->m, alg, in, inlen, sig, siglen);
}

static int cm_cert(void *ctx, const char *hint, char **pem)
{
	struct client_mgmt *cm = ctx;

	return mgmt_get_cert(cm->m, hint, pem);
}

const struct clientcfg_asker *client_mgmt_asker(struct client_mgmt *cm,
						const struct options *o)
{
	if (!cm->m || (!o->mgmt_query_passwords && !o->mgmt_external_key))
		return NULL;
	cm->asker.ask = o->mgmt_query_passwords ? cm_ask : NULL;
	cm->asker.ctx = cm;
	cm->signer.sign = cm_sign;
	cm->signer.ctx = cm;
	cm->signer.flags = o->mgmt_extkey_flags;
	cm->asker.signer = o->mgmt_external_key ? &cm->signer : NULL;
	cm->asker.cert = o->mgmt_external_cert ? cm_cert : NULL;
	return &cm->asker;
}

void client_mgmt_auth_failed(struct client_mgmt *cm)
{
	if (cm->m)
		mgmt_notify(cm->m, ">PASSWORD:Verification Failed: 'Auth'");
}

int client_mgmt_open(struct client_mgmt *cm, const struct options *o,
		     struct loop *l, struct keep *keep)
{
	bool kept;

	cm->dco = NULL;
	cm->loop = l;
	cm->o = o;
	/* kept from before a SIGHUP (mgmt_keep): no new CONNECTING */
	cm->m = mgmt_reopen(keep, o, l, &client_mgmt_ops, cm, &kept);
	if (!kept)
		mgmt_state(cm->m, "CONNECTING", NULL, NULL, NULL, 0, NULL);
	return o->mgmt_addr && !cm->m ? -EIO : 0;
}

void client_mgmt_close(struct client_mgmt *cm)
{
	mgmt_close(cm->m);
	cm->m = NULL;
}

void client_mgmt_reload(struct client_mgmt *cm, struct keep *keep)
{
	/* as OpenVPN, once the connection is down */
	log_info("SIGHUP[hard,] received, process restarting");
	client_mgmt_state(cm, "RECONNECTING", "SIGHUP");
	mgmt_keep(cm->m, keep, cm->o);
	cm->m = NULL;
}

/* OpenVPN's short protocol names (proto2ascii). */
static const char *pick_proto(const struct opt_endpoint *ep)
{
	bool udp = ep->proto == OPT_PROTO_UDP;

	switch (ep->family) {
	case OPT_AF_INET:
		return udp ? "udp4" : "tcp4-client";
	case OPT_AF_INET6:
		return udp ? "udp6" : "tcp6-client";
	default:
		return udp ? "udp" : "tcp-client";
	}
}

static void pick_remote(struct client_pick *p, char a[][256], int n)
{
	if (n >= 1 && !strcmp(a[0], "SKIP"))
		p->skip = n >= 2 && atoi(a[1]) > 0 ? (unsigned)atoi(a[1]) : 1u;
	if (n >= 3 && !strcmp(a[0], "MOD")) {
		p->mod = true;
		snprintf(p->host, sizeof(p->host), "%s", a[1]);
		snprintf(p->port, sizeof(p->port), "%s", a[2]);
	}
}

static void pick_proxy(struct client_pick *p, char a[][256], int n)
{
	if (n < 3 || !strcmp(a[0], "NONE"))
		return;
	p->proxy = !strcmp(a[0], "HTTP") ? PICK_HTTP : PICK_SOCKS;
	snprintf(p->phost, sizeof(p->phost), "%s", a[1]);
	snprintf(p->pport, sizeof(p->pport), "%s", a[2]);
	p->nct = n >= 4 && !strcmp(a[3], "nct");
}

int client_mgmt_pick(struct client_mgmt *cm, const struct options *o,
		     size_t idx, struct client_pick *pick)
{
	char line[600], args[MGMT_ASK_ARGS][256];
	struct opt_endpoint ep;
	bool remote = o->mgmt_query_remote;
	int n;

	memset(pick, 0, sizeof(*pick));
	if (!cm->m || (!remote && !o->mgmt_query_proxy) ||
	    options_remote(o, idx, &ep))
		return 0;
	/* as OpenVPN: the remote query wins when both are asked for */
	if (remote)
		snprintf(line, sizeof(line), ">REMOTE:%s,%s,%s", ep.host, ep.port,
			 pick_proto(&ep));
	else
		snprintf(line, sizeof(line), ">PROXY:%zu,%s,%s", idx + 1,
			 ep.proto == OPT_PROTO_UDP ? "UDP" : "TCP", ep.host);
	n = mgmt_ask(cm->m, cm->loop, remote ? "remote" : "proxy", line,
		     ep.proto != OPT_PROTO_UDP, args);
	if (n < 0)
		return n;
	if (remote)
		pick_remote(pick, args, n);
	else
		pick_proxy(pick, args, n);
	return 0;
}

void client_mgmt_updown(struct client_mgmt *cm, const char *what,
			const char *const *env)
{
	char head[32];

	snprintf(head, sizeof(head), ">UPDOWN:%s", what);
	mgmt_notify_env(cm->m, head, "UPDOWN", env);
}

void client_mgmt_state(struct client_mgmt *cm, const char *state,
		       const char *desc)
{
	if (cm)
		mgmt_state(cm->m, state, desc, NULL, NULL, 0, NULL);
}

void client_mgmt_state_addr(struct client_mgmt *cm, const char *state,
			    const struct options *o,
			    const struct sockaddr_storage *remote)
{
	char l4[INET_ADDRSTRLEN] = "", l6[INET6_ADDRSTRLEN] = "";
	char r[INET6_ADDRSTRLEN] = "";
	unsigned port = 0;
	bool connected = remote != NULL;

	if (!cm || !cm->m)
		return;
	if (o->ifconfig_set)
		inet_ntop(AF_INET, &o->ifconfig_local, l4, sizeof(l4));
	if (o->ifconfig6_set)
		inet_ntop(AF_INET6, &o->ifconfig6_local, l6, sizeof(l6));
	if (connected && remote->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)remote;

		inet_ntop(AF_INET, &s->sin_addr, r, sizeof(r));
		port = ntohs(s->sin_port);
	} else if (connected && remote->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)remote;

		inet_ntop(AF_INET6, &s->sin6_addr, r, sizeof(r));
		port = ntohs(s->sin6_port);
	}
	mgmt_state(cm->m, state, connected ? "SUCCESS" : NULL, l4,
		   connected ? r : NULL, port, l6[0] ? l6 : NULL);
}

void client_mgmt_echo(struct client_mgmt *cm, struct options *o)
{
	for (size_t i = 0; i < o->echo.n; i++) {
		mgmt_echo(cm->m, o->echo.v[i]);
		free(o->echo.v[i]);
	}
	free(o->echo.v);
	o->echo.v = NULL;
	o->echo.n = 0;
}
