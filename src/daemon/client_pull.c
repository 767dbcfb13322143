/* The client's control messages: PUSH_REPLY (held while tls-verify
 * runs), AUTH_FAILED and auth-retry, HALT/RESTART, and the steps from
 * "Peer Connection Initiated" to the pull. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "ctl/pushupd.h"
#include "daemon/client_conn.h"
#include "daemon/client_plugin.h"

/* A pushed auth-token replaces the password in later key exchanges. */
void conn_auth_token(struct conn *c)
{
	if (!c->o->auth_token || !c->cc->username)
		return;
	clientcfg_set_token(c->cc, c->o->auth_token);
	c->sess.cfg.password = c->cc->auth_token;
}

/* ---- control messages ------------------------------------------------------ */

/* auth-retry nointeract: try the same credentials again; interact: ask
 * for new ones before the next connection (client_run, once this one is
 * closed). true if the connection restarts. */
static bool conn_auth_retry(struct conn *c)
{
	if (c->o->auth_retry == OPT_AUTHRETRY_NONE || !c->cc->username)
		return false;
	*c->reask = c->o->auth_retry == OPT_AUTHRETRY_INTERACT;
	log_info("AUTH: authentication failed, retrying "
		 "(auth-retry %s)", c->o->auth_retry == OPT_AUTHRETRY_INTERACT ?
		 "interact" : "nointeract");
	conn_end(c, END_RESTART);
	return true;
}

void conn_message(void *ctx, const char *msg)
{
	struct conn *c = ctx;

	if (conn_info_message(c, msg))
		return;
	/* a 2.6 server pushes unasked (once): kept until tls-verify has
	 * accepted it */
	if (c->scripts->tv && !strncmp(msg, "PUSH_REPLY", 10)) {
		if (c->n_held < CONN_HELD_MAX)
			c->held[c->n_held++] = strdup(msg);
		return;
	}
	if (!strncmp(msg, PUSHUPD_CMD, strlen(PUSHUPD_CMD))) {
		client_push_update(c, msg);
		return;
	}
	enum push_result pr = push_message(&c->push, c->o, msg);

	client_mgmt_echo(c->cm, c->o);	/* pushed "echo" lines */
	switch (pr) {
	case PUSH_DONE:
		conn_after_up(c, conn_pull_up(c));
		break;
	case PUSH_LATE:
		conn_auth_token(c);
		break;
	case PUSH_AUTH_FAILED:
		/* With a token, only the token failed: retry with the password. */
		if (c->cc->auth_token) {
			log_info("AUTH: dropping the auth-token, reconnecting");
			c->sess.cfg.password = c->cc->password;
			clientcfg_set_token(c->cc, NULL);
			conn_end(c, END_RESTART);
			break;
		}
		client_mgmt_auth_failed(c->cm);
		if (conn_auth_retry(c))
			break;
		log_err("SIGTERM[soft,auth-failure] received, process exiting");
		c->end_desc = "auth-failure";
		conn_end(c, END_FATAL);
		break;
	case PUSH_HALT:
		c->end_desc = "server-pushed-halt";
		conn_end(c, END_EXIT);
		break;
	case PUSH_RESTART:
	case PUSH_EXIT:
		conn_end(c, END_RESTART);
		break;
	case PUSH_RESTART_NEXT:
		conn_end(c, END_NEXT);
		break;
	case PUSH_ERROR:
		conn_end(c, END_FATAL);
		break;
	default:
		break;
	}
}

/* The server answered our reset: OpenVPN's AUTH state. */
void conn_peer_found(void *ctx)
{
	struct conn *c = ctx;

	client_mgmt_state(c->cm, "AUTH", NULL);
}

static void conn_verified(void *ctx, int result);
static void conn_get_config(struct conn *c);

/* The PUSH_REPLYs held while tls-verify ran: taken now (@use) or dropped. */
void conn_release_held(struct conn *c, bool use)
{
	unsigned n = c->n_held;

	c->n_held = 0;
	for (unsigned i = 0; i < n; i++) {
		if (use && c->held[i] && c->end == END_NONE)
			conn_message(c, c->held[i]);
		free(c->held[i]);
		c->held[i] = NULL;
	}
}

void conn_active(void *ctx)
{
	struct conn *c = ctx;
	struct client_script_call call = conn_call(c, SCRIPT_TLS_VERIFY, NULL);
	int ret;

	c->established_ms = clock_now_ms();
	/* the plugins' look at the server's chain (OpenVPN: during the
	 * handshake); a refusal is a TLS error */
	if (client_plugin_tls(c->scripts, &call)) {
		conn_end(c, END_RESTART);
		return;
	}
	/* then the tls-verify script, from the loop (OpenVPN: during the
	 * handshake, blocking); its refusal is a TLS error too */
	call = conn_call(c, SCRIPT_TLS_VERIFY, c->o->tls_verify);
	ret = client_script_tlsverify(c->scripts, &call, conn_verified, c);
	if (ret < 0)
		conn_verified(c, ret);
	else if (ret > 0)
		conn_get_config(c);
}

/* The server's chain passed tls-verify (@result 0): on, as OpenVPN once
 * "Peer Connection Initiated". */
static void conn_verified(void *ctx, int result)
{
	struct conn *c = ctx;

	if (result) {
		c->end_desc = "tls-error";
		conn_end(c, END_RESTART);
		return;
	}
	conn_get_config(c);
}

static void conn_get_config(struct conn *c)
{
	struct client_script_call call = conn_call(c, SCRIPT_IPCHANGE,
						   c->o->ipchange);

	/* as OpenVPN at "Peer Connection Initiated"; not waited for */
	client_script_start(c->scripts, &call, NULL, NULL, NULL);

	if (!c->o->pull) {
		conn_after_up(c, conn_p2p_up(c));
		return;
	}
	/* the PUSH_REQUEST waits for the connect check (conn_pull_tick);
	 * a PUSH_REPLY may come unasked before */
	c->initiated = true;
	conn_release_held(c, true);
}

/* ---- the connect check ----------------------------------------------------- */

/*
 * As OpenVPN's client (wait_for_connect, check_connection_established):
 * once a second from the start of the connection it looks whether the
 * session is up; the first time it is, it reports GET_CONFIG and sends
 * its first PUSH_REQUEST. A server that took the IV_PROTO_REQUEST_PUSH
 * bit for a request (2.6) has usually pushed before: then there is no
 * GET_CONFIG state and no PUSH_REQUEST at all.
 */
#define CONN_CONNECT_CHECK_MS 1000u

void conn_pull_arm(struct conn *c, uint64_t now)
{
	c->connect_check_ms = c->o->pull ? now + CONN_CONNECT_CHECK_MS : 0;
}

static void conn_connect_check(struct conn *c, uint64_t now, unsigned hw)
{
	if (!c->connect_check_ms || now < c->connect_check_ms)
		return;
	if (push_replied(&c->push)) {
		c->connect_check_ms = 0;
		return;
	}
	if (!c->initiated) {
		while (c->connect_check_ms <= now)
			c->connect_check_ms += CONN_CONNECT_CHECK_MS;
		return;
	}
	c->connect_check_ms = 0;
	client_mgmt_state(c->cm, "GET_CONFIG", NULL);
	push_start(&c->push, now, hw);
}

void conn_pull_tick(struct conn *c, uint64_t now)
{
	unsigned hw = c->o->hand_window > 0 ? (unsigned)c->o->hand_window : 60u;

	conn_connect_check(c, now, hw);
	if (!push_request_due(&c->push, now))
		return;
	if (!push_alive(&c->push, now, c->sess.peer_last_ms, hw * 1000ull)) {
		log_err("No reply from server to push requests in %llus",
			(unsigned long long)(now - c->established_ms) / 1000u);
		c->end_desc = "no-push-reply";
		conn_end(c, END_RESTART);
		return;
	}
	if (session_send_message(&c->sess, PUSH_MSG, now) == 0)
		log_info("SENT CONTROL [server]: 'PUSH_REQUEST' (status=1)");
}
