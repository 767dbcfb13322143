/*
 * A server's plugin events, at the points (and with the environment) of
 * the matching scripts: AUTH_USER_PASS_VERIFY with OpenVPN's deferred
 * auth (auth_control_file, auth_pending_file, auth_failed_reason_file),
 * CLIENT_CONNECT(_V2), CLIENT_DISCONNECT, LEARN_ADDRESS.
 *
 * Nothing here waits for a plugin on the event loop but UP/DOWN (start-up,
 * shut-down): every call runs on the plugin thread (plugin_worker.h); an
 * auth, CLIENT_CONNECT (server_plugin_cc.c), TLS_VERIFY or TLS_FINAL
 * (server_plugin_tls.c) call's result comes back through it, a deferred
 * answer through the files, read by
 * server_plugin_tick (every SP_POLL_MS while some are pending) until it
 * comes or hand-window runs out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openvpn/openvpn-plugin.h>

#include "base/clock.h"
#include "base/log.h"
#include "ctl/tls_username.h"
#include "daemon/scriptcert.h"
#include "daemon/server_int.h"

#define SP_POLL_MS 50u
#define SP_REASON_MAX 200

/* ---- set-up ------------------------------------------------------------------ */

int server_plugin_open(struct server *s)
{
	int ret = plugin_host_load(&s->plugins, s->o);

	if (!ret)
		ret = plugin_worker_start(&s->pw, &s->plugins, s->loop);
	if (ret)
		log_err("cannot start the plugins: %s", strerror(-ret));
	return ret;
}

int server_plugin_post_uid(struct server *s)
{
	return plugin_host_post_uid(&s->plugins, s->o);
}

/* The clients' last calls (DISCONNECT, destructors) done: before the
 * DOWN event, which the loop's thread calls itself. */
void server_plugin_drain(struct server *s)
{
	plugin_worker_stop(&s->pw);
}

void server_plugin_close(struct server *s)
{
	plugin_worker_stop(&s->pw);
	plugin_host_close(&s->plugins);
}

int server_plugin_client_new(struct srv_client *c)
{
	if (!c->srv->plugins.n)
		return 0;	/* no plugin: no contexts, no calls */
	c->plugin = plugin_worker_client_new(&c->srv->pw);
	return c->plugin ? 0 : -ENOMEM;
}

/* ---- deferred auth files ------------------------------------------------------ */

static void files_remove(struct auth_deferred *a)
{
	char **files[] = { &a->acf, &a->apf, &a->afr };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (*files[i]) {
			unlink(*files[i]);
			free(*files[i]);
			*files[i] = NULL;
		}
	}
}

static int file_make(const struct srv_client *c, const char *tag, char **out)
{
	char path[PATH_MAX];
	int fd = server_script_tmpfile(c, path, sizeof(path), tag);

	if (fd < 0)
		return fd;
	close(fd);
	*out = strdup(path);
	if (!*out) {
		unlink(path);
		return -ENOMEM;
	}
	return 0;
}

static int files_make(struct srv_client *c)
{
	struct auth_deferred *a = &c->auth;
	int ret;

	files_remove(a);
	ret = file_make(c, "acf", &a->acf);
	if (!ret)
		ret = file_make(c, "apf", &a->apf);
	if (!ret)
		ret = file_make(c, "afr", &a->afr);
	if (ret) {
		log_err("%s TLS Auth Error: could not create deferred auth "
			"control file: %s", c->prefix, strerror(-ret));
		files_remove(a);
	}
	return ret;
}

/* Up to @len - 1 bytes of @path, NUL-ended, without trailing newlines. */
static ssize_t file_read(const char *path, char *buf, size_t len)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	size_t n;

	buf[0] = '\0';
	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return (ssize_t)n;
}

void server_plugin_client_free(struct srv_client *c)
{
	files_remove(&c->auth);
	server_plugin_cc_free(c);
	plugin_worker_client_free(&c->srv->pw, c->plugin);
	c->plugin = NULL;
}

/* ---- auth ------------------------------------------------------------------------ */

/* auth_pending_file (written by the plugin during the call): the client
 * told to wait and the deadline moved, as for a script. false: refuse. */
static bool auth_pending(struct srv_client *c)
{
	char reason[SP_REASON_MAX] = "";
	unsigned t;
	int ret = server_auth_pending_file(c, c->auth.apf, &t, reason,
					   sizeof(reason));

	if (ret > 0)
		c->auth.deadline_ms = clock_now_ms() + t * 1000ull;
	/* why, for AUTH_FAILED (auth_refuse reads it from there) */
	if (ret < 0 && reason[0]) {
		FILE *f = fopen(c->auth.afr, "w");

		if (f) {
			fputs(reason, f);
			fclose(f);
		}
	}
	return ret >= 0;
}

static uint64_t hand_window_ms(const struct server *s)
{
	return (uint64_t)(s->o->hand_window > 0 ? s->o->hand_window : 60) * 1000u;
}

/* What the plugins answered: AUTH_OK, AUTH_FAILED or AUTH_PENDING. */
static enum auth_state auth_answer(struct srv_client *c, enum plugin_result r)
{
	if (r == PLUGIN_DEFERRED) {
		c->auth.deadline_ms = clock_now_ms() + hand_window_ms(c->srv);
		return auth_pending(c) ? AUTH_PENDING : AUTH_FAILED;
	}
	return r == PLUGIN_OK ? AUTH_OK : AUTH_FAILED;
}

static int auth_result(struct srv_client *c, enum auth_state st);
static void auth_decided(struct srv_client *c);

/* The plugins' answer stands: decided, or pending (the tick polls). */
static void auth_settle(struct srv_client *c, enum auth_state st)
{
	auth_result(c, st);
	if (c->auth.state != AUTH_PENDING)
		auth_decided(c);
}

/* TLS_FINAL answered; the plugins' answer was kept meanwhile (the state
 * stayed AUTH_CALLING, so nothing acted on it early). */
static void auth_final_done(struct srv_client *c, int ret)
{
	if (c->kill_at_ms || c->auth.state != AUTH_CALLING)
		return;
	auth_settle(c, ret ? AUTH_FAILED : c->auth.after_final);
}

/* The plugin thread's answer for the client in @tag (peer-id, serial);
 * a client gone or asked again since drops it. */
static void auth_done(void *ctx, uint64_t tag, enum plugin_result r,
		      char *config)
{
	struct srv_client *c = server_client(ctx, (uint32_t)(tag >> 32));
	enum auth_state st;
	int ret;

	free(config);
	if (c)
		server_client_wake(c);
	if (!c || c->dead || c->kill_at_ms || c->auth.state != AUTH_CALLING ||
	    c->auth.serial != (uint32_t)tag)
		return;
	st = auth_answer(c, r);
	/* as OpenVPN: TLS_FINAL once the plugins did not refuse (a deferred
	 * answer included) */
	if (st != AUTH_FAILED) {
		c->auth.after_final = st;
		ret = server_plugin_tls_final(c, auth_final_done);
		if (ret == -EINPROGRESS)
			return;
		if (ret)
			st = AUTH_FAILED;
	}
	auth_settle(c, st);
}

/* Hand the credentials to the plugin thread: AUTH_CALLING (or
 * AUTH_FAILED if that cannot be done). */
static enum auth_state auth_call(struct srv_client *c)
{
	char acf[PATH_MAX + 20], apf[PATH_MAX + 20], afr[PATH_MAX + 30];
	char pass[512], user[300];
	const char *extra[] = { user, pass, acf, apf, afr, NULL, NULL };
	uint64_t tag;
	char **env;
	int ret;

	if (files_make(c))
		return AUTH_FAILED;
	/* set even when empty, as OpenVPN (auth-ldap reads it unchecked) */
	snprintf(user, sizeof(user), "username=%s",
		 c->sess.peer_user ? c->sess.peer_user : "");
	snprintf(pass, sizeof(pass), "password=%s",
		 c->sess.peer_pass ? c->sess.peer_pass : "");
	snprintf(acf, sizeof(acf), "auth_control_file=%s", c->auth.acf);
	snprintf(apf, sizeof(apf), "auth_pending_file=%s", c->auth.apf);
	snprintf(afr, sizeof(afr), "auth_failed_reason_file=%s", c->auth.afr);
	/* auth-pam answers through the control file (its background process
	 * runs PAM) only when asked to: ask, so PAM never holds up the loop */
	extra[5] = "deferred_auth_pam=1";
	env = server_script_env(c, "user-pass-verify", extra);
	OPENSSL_cleanse(pass, sizeof(pass));
	if (!env)
		return AUTH_FAILED;
	c->auth.serial = ++c->srv->auth_serial;
	c->auth.state = AUTH_CALLING;
	tag = (uint64_t)c->peer_id << 32 | c->auth.serial;
	/* the thread runs whenever a plugin is loaded: the answer comes later */
	ret = plugin_worker_submit(&c->srv->pw, &(struct plugin_call){
		.type = OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY,
		.envp = (const char *const *)env, .pc = c->plugin, .depth = -1 },
		auth_done, c->srv, tag);
	server_script_env_free(env);
	return ret ? AUTH_FAILED : AUTH_CALLING;
}

/* The control file's answer, if it came (still AUTH_PENDING if not). */
static enum auth_state auth_poll(struct srv_client *c, uint64_t now)
{
	char buf[4];

	if (file_read(c->auth.acf, buf, sizeof(buf)) > 0 &&
	    (buf[0] == '1' || buf[0] == '0'))
		return buf[0] == '1' ? AUTH_OK : AUTH_FAILED;
	if (now >= c->auth.deadline_ms) {
		log_err("%s TLS Auth Error: deferred authentication timed out "
			"(hand-window)", c->prefix);
		return AUTH_FAILED;
	}
	return AUTH_PENDING;
}

static int auth_result(struct srv_client *c, enum auth_state st)
{
	c->auth.state = st;
	if (st == AUTH_PENDING || st == AUTH_CALLING)
		return -EINPROGRESS;
	if (st == AUTH_FAILED) {
		log_err("%s TLS Auth Error: Auth Username/Password verification "
			"failed for peer (plugin)", c->prefix);
		return -EACCES;
	}
	files_remove(&c->auth);
	log_info("%s TLS: Username/Password authentication %s for username "
		 "'%s' (plugin)", c->prefix, "succeeded",
		 c->sess.peer_user ? c->sess.peer_user : "");
	return 0;
}

int server_plugin_auth(struct srv_client *c)
{
	int ret;

	if (!plugin_host_wants(&c->srv->plugins,
			       OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY))
		return 0;
	/* as OpenVPN, auth-user-pass-optional lets a client without
	 * credentials reach the plugin (with an empty username); an
	 * auth-token of ours stands for the password */
	if (c->auth.state == AUTH_NONE) {
		ret = server_auth_precheck(c);
		if (ret < 0 || (!ret && c->sess.peer_user && c->sess.peer_user[0]))
			return ret;
	}
	switch (c->auth.state) {
	case AUTH_OK:
		return 0;
	case AUTH_FAILED:
		return -EACCES;
	case AUTH_CALLING:
		return -EINPROGRESS;
	case AUTH_PENDING:
		return auth_result(c, auth_poll(c, clock_now_ms()));
	default:
		return auth_result(c, auth_call(c));
	}
}

void server_plugin_auth_reset(struct srv_client *c)
{
	files_remove(&c->auth);
	c->auth.state = AUTH_NONE;
	c->auth.final_done = false;
}

/* AUTH_FAILED with the plugin's reason (auth_failed_reason_file), if any. */
static void auth_refuse(struct srv_client *c)
{
	char reason[SP_REASON_MAX], msg[SP_REASON_MAX + 16];

	if (file_read(c->auth.afr, reason, sizeof(reason)) > 0)
		snprintf(msg, sizeof(msg), "AUTH_FAILED,%s", reason);
	else
		snprintf(msg, sizeof(msg), "AUTH_FAILED");
	files_remove(&c->auth);
	server_client_kill_later(c, msg);
}

/* A deferred answer came for @c: carry on where its PUSH_REQUEST stopped
 * (the reply answers that request), or refuse it. */
static void auth_decided(struct srv_client *c)
{
	if (c->auth.state == AUTH_FAILED) {
		auth_refuse(c);
		return;
	}
	if (!c->pushed && server_push(c) < 0)
		server_client_kill_later(c, "AUTH_FAILED");
}

void server_plugin_client_tick(struct srv_client *c, uint64_t now,
			       uint64_t *next)
{
	server_plugin_cc_client_tick(c, now, next);
	if (c->dead || c->kill_at_ms || c->auth.state != AUTH_PENDING)
		return;
	auth_result(c, auth_poll(c, now));
	if (c->auth.state != AUTH_PENDING)
		auth_decided(c);
	else if (now + SP_POLL_MS < *next)
		*next = now + SP_POLL_MS;
}

/* ---- connect, disconnect, learn-address -------------------------------------- */

enum plugin_result server_plugin_call(struct srv_client *c,
				      const struct server_plugin_call *pc)
{
	char **env = server_script_env(c, pc->script_type, pc->extra);
	struct plugin_call call = {
		.type = pc->type, .args = pc->args,
		.envp = (const char *const *)env, .pc = c->plugin, .depth = -1,
		.config = pc->config };
	enum plugin_result r = PLUGIN_OK;

	if (!env)
		return PLUGIN_ERROR;
	if (pc->wait)
		r = plugin_worker_call(&c->srv->pw, &call);
	else if (plugin_worker_submit(&c->srv->pw, &call, NULL, NULL, 0))
		r = PLUGIN_ERROR;
	server_script_env_free(env);
	return r;
}

void server_plugin_ipchange(struct srv_client *c)
{
	char ipport[sizeof(c->real)], user[300] = "";
	char *colon;

	if (!plugin_host_wants(&c->srv->plugins, OPENVPN_PLUGIN_IPCHANGE))
		return;
	/* "ip port", one argument, as the ipchange script gets it */
	snprintf(ipport, sizeof(ipport), "%s", c->real);
	colon = strrchr(ipport, ':');
	if (colon)
		*colon = ' ';
	/* the session's username, as OpenVPN's env has it by then */
	if (c->sess.peer_user && c->sess.peer_user[0])
		snprintf(user, sizeof(user), "username=%s", c->sess.peer_user);
	server_plugin_call(c, &(struct server_plugin_call){
		.type = OPENVPN_PLUGIN_IPCHANGE, .script_type = "ipchange",
		.args = (const char *const[]){ ipport, NULL },
		.extra = (const char *const[]){ user[0] ? user : NULL, NULL } });
}

void server_plugin_disconnect(struct srv_client *c)
{
	if (plugin_host_wants(&c->srv->plugins, OPENVPN_PLUGIN_CLIENT_DISCONNECT))
		server_plugin_call(c, &(struct server_plugin_call){
			.type = OPENVPN_PLUGIN_CLIENT_DISCONNECT,
			.script_type = "client-disconnect" });
}

void server_plugin_learn_addr(struct srv_client *c, const char *op,
			      const char *addr)
{
	bool del = !strcmp(op, "delete");

	if (!plugin_host_wants(&c->srv->plugins, OPENVPN_PLUGIN_LEARN_ADDRESS))
		return;
	server_plugin_call(c, &(struct server_plugin_call){
		.type = OPENVPN_PLUGIN_LEARN_ADDRESS,
		.script_type = "learn-address",
		.args = (const char *const[]){ op, addr, del ? NULL : c->cn,
					       NULL } });
}

void server_plugin_learn(struct srv_client *c, const char *op)
{
	char a[INET6_ADDRSTRLEN];
	bool del = !strcmp(op, "delete");

	/* a stale route's delete was said when it went */
	if (c->has4 && !(del && c->stale4))
		server_plugin_learn_addr(c, op, inet_ntop(AF_INET, &c->vpn4, a,
							  sizeof(a)));
	if (c->has6 && !(del && c->stale6))
		server_plugin_learn_addr(c, op, inet_ntop(AF_INET6, &c->vpn6, a,
							  sizeof(a)));
}
