/*
 * A client's admission, driven by its PUSH_REQUEST: auth-user-pass-verify,
 * then the ccd file, NCP and the address, then client-connect, then the
 * PUSH_REPLY. Each script runs from the event loop and may defer its
 * answer (server_script.h), so a slow one holds up only its own client.
 * PUSH_REQUESTs repeated meanwhile are ignored; the reply goes out as soon
 * as the client is admitted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/crypto.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/safename.h"
#include "ctl/keymethod2.h"
#include "daemon/server_int.h"

static void admit_fail(struct srv_client *c)
{
	char msg[300];

	c->admit = ADMIT_FAILED;
	if (c->scr.reason[0])
		snprintf(msg, sizeof(msg), "AUTH_FAILED,%s", c->scr.reason);
	else
		snprintf(msg, sizeof(msg), "AUTH_FAILED");
	server_client_kill_later(c, msg);
}

static void admit_free_co(struct srv_client *c)
{
	if (!c->co)
		return;
	options_free(c->co);
	free(c->co);
	c->co = NULL;
}

static void admit_connected(struct srv_client *c, int ret)
{
	/* the manager's client-auth block, as OpenVPN applies it last */
	if (!ret)
		ret = server_mgmt_connect(c, c->co);
	if (!ret)
		ret = server_client_setup(c, c->co);
	admit_free_co(c);
	if (ret) {
		admit_fail(c);
		return;
	}
	c->admit = ADMIT_DONE;
	server_push_send(c);
}

/* The plugins' client-connect answered: the script's turn. */
static void admit_plugin_connected(struct srv_client *c, int ret)
{
	if (ret) {
		admit_fail(c);
		return;
	}
	c->admit = ADMIT_CONNECT;
	ret = server_script_connect(c, c->co, admit_connected);
	if (ret)
		admit_connected(c, ret > 0 ? 0 : ret);
}

/* TLS_FINAL answered (or not needed): who the client is, then connect. */
static void admit_final(struct srv_client *c, int ret)
{
	if (!ret)
		ret = server_client_identify(c, c->co);
	/* a plugin may defer client-connect: its answer comes from the tick */
	if (!ret)
		ret = server_plugin_connect(c, c->co, admit_plugin_connected);
	if (ret == -EINPROGRESS) {
		c->admit = ADMIT_CONNECT;
		return;
	}
	admit_plugin_connected(c, ret);
}

static void admit_authenticated(struct srv_client *c, int ret)
{
	if (!ret) {
		ret = server_plugin_tls_final(c, admit_final);
		if (ret == -EINPROGRESS)
			return;
	}
	admit_final(c, ret);
}

/* As OpenVPN's verify_user_pass, before any check: control bytes (CR, LF)
 * in the password become '_' too (the username is mapped where the session
 * takes it), so none reaches a via-file credentials file or a script's
 * env. */
static void admit_creds(struct srv_client *c)
{
	if (c->sess.peer_pass)
		safename_remap(c->sess.peer_pass);
}

/* OpenVPN's order: plugins, the manager, the script. A deferred plugin
 * or manager answer: their tick calls server_push again when it comes
 * (each then answers from what it decided). */
static void admit_auth(struct srv_client *c)
{
	int ret;

	admit_creds(c);
	ret = server_plugin_auth(c);

	if (!ret)
		ret = server_mgmt_auth(c);
	if (ret == -EINPROGRESS) {
		c->admit = ADMIT_DEFERRED;
		return;
	}
	if (ret) {
		admit_fail(c);
		return;
	}
	c->admit = ADMIT_AUTH;
	ret = server_script_auth(c, false, admit_authenticated);
	if (ret)
		admit_authenticated(c, ret > 0 ? 0 : ret);
}

/* tls-verify said no: as after OpenVPN's failed handshake, the client
 * tries again (RESTART), it is not told its credentials failed. */
static void admit_verified(struct srv_client *c, int ret)
{
	if (!ret) {
		admit_auth(c);
		return;
	}
	c->admit = ADMIT_FAILED;
	server_client_kill_later(c, "RESTART");
}

/* The plugins saw each certificate: the tls-verify script's turn. */
static void admit_plugin_verified(struct srv_client *c, int ret)
{
	if (!ret)
		ret = server_tlsverify(c, admit_verified);
	if (ret)
		admit_verified(c, ret > 0 ? 0 : ret);
}

int server_push(struct srv_client *c)
{
	int ret;

	if (c->admit == ADMIT_DONE) {
		/* a request crossing the reply (sent unasked, or a repeat
		 * before it arrived) gets no second one */
		if (clock_now_ms() >= c->push_again_ms)
			server_push_send(c);
		return 0;
	}
	if (c->admit == ADMIT_NONE) {
		c->co = malloc(sizeof(*c->co));
		if (!c->co) {
			admit_fail(c);
			return 0;
		}
		options_init(c->co);
		c->admit = ADMIT_VERIFY;
		/* as OpenVPN: the plugins see each certificate, then the
		 * script */
		ret = server_plugin_tls_verify(c, admit_plugin_verified);
		if (ret != -EINPROGRESS)
			admit_plugin_verified(c, ret);
		return 0;
	}
	if (c->admit == ADMIT_DEFERRED)
		admit_auth(c);
	return 0;
}

/*
 * As OpenVPN 2.6: each renegotiation's credentials are checked as at
 * connect (a token of ours stands for the password without the script);
 * with auth-gen-token the client then gets its token renewed by a lone
 * "PUSH_REPLY,auth-token ..." (send_push_reply_auth_token).
 */
static void reauth_final(struct srv_client *c, int ret)
{
	char token[AUTHTOKEN_MAX], msg[AUTHTOKEN_MAX + 32];

	if (ret < 0) {
		admit_fail(c);
		return;
	}
	/* the manager's answer comes later; a denial ends the client */
	server_mgmt_reauth(c);
	if (!server_client_token(c, token))
		return;
	snprintf(msg, sizeof(msg), "PUSH_REPLY,auth-token %s", token);
	if (session_send_message(&c->sess, msg, clock_now_ms()) == 0)
		log_info("%s auth-token renewed", c->prefix);
	OPENSSL_cleanse(token, sizeof(token));
	OPENSSL_cleanse(msg, sizeof(msg));
}

static void reauth_done(struct srv_client *c, int ret)
{
	if (!ret) {
		ret = server_plugin_tls_final(c, reauth_final);
		if (ret == -EINPROGRESS)
			return;
	}
	reauth_final(c, ret);
}

void server_reauth(struct srv_client *c)
{
	int ret;

	admit_creds(c);
	/* a deferred plugin answer is acted on when it comes (the tick) */
	server_plugin_auth_reset(c);
	ret = server_plugin_auth(c);
	if (ret < 0 && ret != -EINPROGRESS) {
		admit_fail(c);
		return;
	}
	ret = server_script_auth(c, true, reauth_done);
	if (ret)
		reauth_done(c, ret > 0 ? 0 : ret);
}

void server_admit_free(struct srv_client *c)
{
	server_tlsverify_free(c);
	server_script_client_free(c);
	admit_free_co(c);
}

void server_push_if_requested(struct srv_client *c)
{
	unsigned proto;

	if (c->admit != ADMIT_NONE || c->dead || c->kill_at_ms ||
	    !c->sess.peer_info)
		return;
	proto = km2_peer_info_proto(c->sess.peer_info);
	if (proto & KM2_IV_PROTO_REQUEST_PUSH)
		server_push(c);
}
