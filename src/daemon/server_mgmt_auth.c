/*
 * The server's >CLIENT notifications and management-client-auth, as
 * OpenVPN 2.6's (doc/management-notes.txt):
 *
 *   >CLIENT:CONNECT,CID,KID / >CLIENT:REAUTH,CID,KID  (management-client-
 *       auth: the manager answers client-auth, client-auth-nt, client-deny
 *       or client-pending-auth; the client waits, the loop does not)
 *   >CLIENT:ESTABLISHED,CID                          (every management)
 *   >CLIENT:ADDRESS,CID,ADDR,1 / >CLIENT:DISCONNECT,CID (after a CONNECT)
 *
 * each followed by the client's environment (>CLIENT:ENV,name=value ...
 * >CLIENT:ENV,END). A decision not made within hand-window (or the
 * client-pending-auth timeout) refuses the client.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "ctl/keymethod2.h"
#include "daemon/mgmt.h"
#include "daemon/server_int.h"

#define SMA_INFO_MAX 1024u      /* INFO_PRE text (OpenVPN: PUSH_BUNDLE_SIZE) */
#define SMA_HAND_WINDOW_S 60u

static bool sma_enabled(const struct server *s)
{
	return s->mgmt && s->o->mgmt_client_auth;
}

static unsigned sma_hand_window(const struct server *s)
{
	return s->o->hand_window > 0 ? (unsigned)s->o->hand_window :
				       SMA_HAND_WINDOW_S;
}

/* The authenticated clients, as OpenVPN's n_clients (kept as they come
 * and go: counting them here cost max-clients per notification). */
static unsigned sma_n_clients(const struct server *s)
{
	return s->n_pushed;
}

/* ">CLIENT:@what" and the client's environment for a notification of
 * @kind with @extra ("name=value" strings, NULL-ended, may be NULL), in
 * OpenVPN's order, and but at a DISCONNECT n_clients first (as OpenVPN's
 * extra env). */
static void sma_notify(struct srv_client *c, const char *what,
		       enum sma_env kind, const char *const *extra)
{
	struct server *s = c->srv;
	bool n_clients = kind != SMA_ENV_DISCONNECT;
	char head[64], nc[32];
	char **env = NULL;

	snprintf(head, sizeof(head), ">CLIENT:%s", what);
	/* as OpenVPN: a refused client's DISCONNECT has no environment */
	if (kind != SMA_ENV_DISCONNECT || c->mauth.state != AUTH_FAILED)
		env = server_script_env(c, kind == SMA_ENV_DISCONNECT ?
					"client-disconnect" : "client-connect",
					extra);
	sma_env_order(env, kind);
	if (n_clients) {
		snprintf(nc, sizeof(nc), ">CLIENT:ENV,n_clients=%u",
			 sma_n_clients(s));
		mgmt_notify(s->mgmt, "%s", head);
		mgmt_notify_env(s->mgmt, nc, "CLIENT", (const char *const *)env);
	} else {
		mgmt_notify_env(s->mgmt, head, "CLIENT",
				(const char *const *)env);
	}
	server_script_env_free(env);
}

/* Ask the manager about @c's credentials (key @kid). */
static void sma_request(struct srv_client *c, const char *kind)
{
	struct srv_mauth *a = &c->mauth;
	char what[64], *pw = NULL;
	const char *extra[2] = { NULL, NULL };

	a->kid = ++a->next_kid;     /* OpenVPN's first key is 1 */
	/* ... and its untrusted session, made again once the first is
	 * trusted, takes 2: renegotiations ask with 3, 4, ... */
	if (a->kid == 1)
		a->next_kid++;
	a->state = AUTH_PENDING;
	a->announced = true;
	a->deadline_ms = clock_now_ms() + sma_hand_window(c->srv) * 1000ull;
	snprintf(what, sizeof(what), "%s,%u,%u", kind, c->client_id, a->kid);
	/* as OpenVPN: the manager checks the password, so it gets it */
	if (c->sess.peer_pass &&
	    asprintf(&pw, "password=%s", c->sess.peer_pass) >= 0)
		extra[0] = pw;
	sma_notify(c, what, strcmp(kind, "REAUTH") ? SMA_ENV_CONNECT :
				    SMA_ENV_REAUTH, extra);
	if (pw) {
		mem_wipe(pw, strlen(pw));
		free(pw);
	}
}

int server_mgmt_auth(struct srv_client *c)
{
	if (!sma_enabled(c->srv))
		return 0;
	switch (c->mauth.state) {
	case AUTH_NONE:
		/* as OpenVPN: the manager checks credentials; none, none to
		 * check unless auth-user-pass-optional */
		if ((!c->sess.peer_user || !c->sess.peer_user[0]) &&
		    !c->srv->o->auth_user_pass_optional) {
			log_err("%s TLS Error: Auth Username/Password was not "
				"provided by peer", c->prefix);
			return -EACCES;
		}
		sma_request(c, "CONNECT");
		return -EINPROGRESS;
	case AUTH_PENDING:
		return -EINPROGRESS;
	case AUTH_OK:
		return 0;
	default:
		return -EACCES;
	}
}

void server_mgmt_reauth(struct srv_client *c)
{
	if (sma_enabled(c->srv))
		sma_request(c, "REAUTH");
}

int server_mgmt_connect(struct srv_client *c, struct options *co)
{
	struct srv_mauth *a = &c->mauth;
	char err[OPT_ERR_LEN];
	int ret = 0;

	if (!a->config)
		return 0;
	if (options_parse_ccd_text(co, "management client-auth", a->config,
				   strlen(a->config), err, sizeof(err))) {
		log_err("%s MULTI: %s", c->prefix, err);
		ret = -EINVAL;
	}
	free(a->config);
	a->config = NULL;
	return ret;
}

void server_mgmt_established(struct srv_client *c)
{
	char what[48], a[INET6_ADDRSTRLEN];

	if (!c->srv->mgmt)
		return;
	if (c->mauth.announced && c->has4)
		mgmt_notify(c->srv->mgmt, ">CLIENT:ADDRESS,%u,%s,1", c->client_id,
			    inet_ntop(AF_INET, &c->vpn4, a, sizeof(a)));
	if (c->mauth.announced && c->has6)
		mgmt_notify(c->srv->mgmt, ">CLIENT:ADDRESS,%u,%s,1", c->client_id,
			    inet_ntop(AF_INET6, &c->vpn6, a, sizeof(a)));
	if (c->mauth.announced)
		server_learn_iroutes_mgmt(c);
	snprintf(what, sizeof(what), "ESTABLISHED,%u", c->client_id);
	sma_notify(c, what, SMA_ENV_ESTABLISHED, NULL);
}

void server_mgmt_client_free(struct srv_client *c)
{
	struct srv_mauth *a = &c->mauth;
	char what[48], rxs[48], txs[48], dur[48];
	const char *extra[] = { rxs, txs, dur, NULL };
	uint64_t rx, tx;

	if (c->srv->mgmt && a->announced) {
		/* OpenVPN's client-disconnect environment has the bytes */
		server_client_bytes(c, &rx, &tx);
		snprintf(rxs, sizeof(rxs), "bytes_received=%llu",
			 (unsigned long long)rx);
		snprintf(txs, sizeof(txs), "bytes_sent=%llu",
			 (unsigned long long)tx);
		snprintf(dur, sizeof(dur), "time_duration=%lld",
			 (long long)(time(NULL) - c->since));
		snprintf(what, sizeof(what), "DISCONNECT,%u", c->client_id);
		sma_notify(c, what, SMA_ENV_DISCONNECT, extra);
		a->announced = false;
	}
	free(a->config);
	memset(a, 0, sizeof(*a));
}

/* The client whose request @kid is out, or NULL. */
static struct srv_client *sma_find(struct server *s, unsigned long cid,
				   unsigned kid)
{
	for (uint32_t i = 0; i < s->max_clients; i++) {
		struct srv_client *c = s->clients[i];

		if (c && c->client_id == cid && !c->dead && !c->kill_at_ms &&
		    c->mauth.state == AUTH_PENDING && c->mauth.kid == kid)
			return c;
	}
	return NULL;
}

static void sma_refuse(struct srv_client *c, const char *client_reason)
{
	char msg[300];

	c->mauth.state = AUTH_FAILED;
	if (client_reason)
		snprintf(msg, sizeof(msg), "AUTH_FAILED,%s", client_reason);
	else
		snprintf(msg, sizeof(msg), "AUTH_FAILED");
	server_client_kill_later(c, msg);
}

/* client-auth / client-auth-nt / client-deny */
int server_mgmt_decide(void *ctx, unsigned long cid, unsigned kid, bool ok,
		       const char *config, const char *reason,
		       const char *client_reason)
{
	struct srv_client *c = sma_find(ctx, cid, kid);

	if (!c)
		return -ENOENT;
	server_client_wake(c);
	if (!ok) {
		if (reason)
			log_info("%s MULTI: connection rejected: %s, CLI:%s",
				 c->prefix, reason,
				 client_reason ? client_reason : "[NULL]");
		sma_refuse(c, client_reason);
		return 0;
	}
	c->mauth.state = AUTH_OK;
	if (config && !c->pushed)
		c->mauth.config = strdup(config);
	/* the client's PUSH_REQUEST waited for this: answered by the tick,
	 * after the command's SUCCESS (OpenVPN's order) */
	c->mauth.answer = !c->pushed;
	return 0;
}

/* client-pending-auth: AUTH_PENDING[,timeout N] and INFO_PRE,@extra. */
int server_mgmt_pending(void *ctx, unsigned long cid, unsigned kid,
			const char *extra, unsigned timeout)
{
	struct srv_client *c = sma_find(ctx, cid, kid);

	if (!c)
		return -ENOENT;
	server_client_wake(c);
	if (strlen(extra) + sizeof("INFO_PRE,") > SMA_INFO_MAX)
		return -EMSGSIZE;
	timeout = server_auth_pending_send(c, extra, timeout);
	c->mauth.deadline_ms = clock_now_ms() + timeout * 1000ull;
	return 0;
}

void server_mgmt_auth_client_tick(struct srv_client *c, uint64_t now,
				  uint64_t *next)
{
	if (c->dead || c->kill_at_ms)
		return;
	if (c->mauth.answer) {
		c->mauth.answer = false;
		if (server_push(c) < 0)
			server_client_kill_later(c, "AUTH_FAILED");
		return;
	}
	if (c->mauth.state != AUTH_PENDING)
		return;
	if (now >= c->mauth.deadline_ms) {
		log_err("%s TLS Auth Error: the management interface gave "
			"no decision in time, client refused", c->prefix);
		sma_refuse(c, NULL);
	} else if (c->mauth.deadline_ms < *next) {
		*next = c->mauth.deadline_ms;
	}
}
