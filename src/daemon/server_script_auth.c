/*
 * auth-user-pass-verify and client-connect for one client, each started
 * from the event loop and each allowed to defer its answer through the
 * files OpenVPN 2.6 documents (see server_script.h), polled from the
 * server's tick until hand-window ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "ctl/keymethod2.h"
#include "daemon/scriptfile.h"
#include "daemon/server_int.h"

/*
 * auth-gen-token: a token of ours instead of a password stands for the
 * password checked when it was issued (the script is not run again, as
 * OpenVPN does). 0 accepted, -EACCES refused, 1: not a token.
 */
static int auth_token(struct srv_client *c)
{
	const struct server *s = c->srv;
	enum authtoken_verdict v;

	if (!s->has_token_key)
		return 1;
	v = authtoken_check(&s->token_key, c->sess.peer_user, c->sess.peer_pass,
			    time(NULL), (unsigned)s->so->auth_token_lifetime);
	if (v == AUTHTOKEN_NOT_A_TOKEN)
		return 1;
	if (v != AUTHTOKEN_OK) {
		log_err("%s TLS Auth Error: auth-token %s for username '%s'",
			c->prefix, v == AUTHTOKEN_EXPIRED ? "expired" : "invalid",
			c->sess.peer_user);
		return -EACCES;
	}
	log_info("%s TLS: Username/auth-token authentication succeeded for "
		 "username '%s'", c->prefix, c->sess.peer_user);
	return 0;
}

static void auth_files_drop(struct srv_client *c)
{
	scriptfile_drop(&c->scr.acf);
	scriptfile_drop(&c->scr.apf);
	scriptfile_drop(&c->scr.afr);
}

static void auth_decided(struct srv_client *c, bool ok)
{
	struct srv_scripts *sc = &c->scr;

	sc->defer_until_ms = 0;
	if (!ok && !sc->reason[0])
		scriptfile_line(sc->afr, sc->reason, sizeof(sc->reason));
	auth_files_drop(c);
	if (ok)
		log_info("%s TLS: Username/Password authentication succeeded "
			 "for username '%s'", c->prefix, c->sess.peer_user);
	else
		log_err("%s TLS Auth Error: Auth Username/Password verification "
			"failed for peer", c->prefix);
	if (sc->done)
		sc->done(c, ok ? 0 : -EACCES);
}

static unsigned hand_window_ms(const struct server *s)
{
	return (s->o->hand_window > 0 ? (unsigned)s->o->hand_window : 60u) * 1000u;
}

/* Does the client list @method in its IV_SSO (check_auth_pending_method)? */
static bool sso_method_ok(const struct srv_client *c, const char *method)
{
	char sso[256], *save = NULL;

	if (!c->sess.peer_info ||
	    km2_peer_info_get(c->sess.peer_info, "IV_SSO", sso, sizeof(sso)))
		return false;
	for (char *t = strtok_r(sso, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (!strcmp(t, method))
			return true;
	return false;
}

unsigned server_auth_pending_send(struct srv_client *c, const char *extra,
				  unsigned timeout_s)
{
	const struct options *o = c->srv->o;
	unsigned proto = c->sess.peer_info ? km2_peer_info_proto(c->sess.peer_info) : 0;
	unsigned max = hand_window_ms(c->srv) / 1000u;
	uint64_t now = clock_now_ms();
	char msg[1200];

	/* OpenVPN: at most max(reneg-sec / 2, hand-window), reneg-sec
	 * 3600 when not set */
	unsigned reneg = o->reneg_sec >= 0 ? (unsigned)o->reneg_sec : 3600u;

	if (reneg / 2 > max)
		max = reneg / 2;
	if (timeout_s > max)
		timeout_s = max;
	if (proto & KM2_IV_PROTO_AUTH_PENDING_KW)
		snprintf(msg, sizeof(msg), "AUTH_PENDING,timeout %u", timeout_s);
	else
		snprintf(msg, sizeof(msg), "AUTH_PENDING");
	session_send_message(&c->sess, msg, now);
	snprintf(msg, sizeof(msg), "INFO_PRE,%s", extra);
	session_send_message(&c->sess, msg, now);
	return timeout_s;
}

int server_auth_pending_file(struct srv_client *c, const char *path,
			     unsigned *timeout_s, char *reason, size_t len)
{
	char buf[1100], *method, *extra;
	unsigned long t;

	if (scriptfile_read(path, buf, sizeof(buf)) <= 0)
		return 0;
	method = strchr(buf, '\n');
	extra = method ? strchr(method + 1, '\n') : NULL;
	if (!extra) {
		log_warn("%s auth pending control file is not at least three "
			 "lines long.", c->prefix);
		return -EACCES;
	}
	*method++ = '\0';
	*extra++ = '\0';
	extra[strcspn(extra, "\r\n")] = '\0';
	t = strtoul(buf, NULL, 10);
	if (!t || t > UINT32_MAX) {
		log_warn("%s could not parse auth pending file timeout", c->prefix);
		return -EACCES;
	}
	if (!sso_method_ok(c, method)) {
		snprintf(reason, len, "Authentication failed, required pending "
			 "auth method '%s' not supported", method);
		log_info("%s Client does not supported auth pending method '%s'",
			 c->prefix, method);
		return -EACCES;
	}
	*timeout_s = server_auth_pending_send(c, extra, (unsigned)t);
	return 1;
}

/* The script's auth_pending_file: false refuses. */
static bool auth_pending(struct srv_client *c)
{
	unsigned t;
	int ret = server_auth_pending_file(c, c->scr.apf, &t, c->scr.reason,
					   sizeof(c->scr.reason));

	if (ret > 0)
		c->scr.defer_until_ms = clock_now_ms() + t * 1000ull;
	return ret >= 0;
}

static void auth_exited(void *ctx, int result)
{
	struct srv_client *c = ctx;
	struct srv_scripts *sc = &c->scr;

	server_client_wake(c);
	sc->job = NULL;
	scriptfile_drop(&sc->cred_file);
	if (result == 2) {
		/* deferred: the decision comes through auth_control_file */
		log_info("%s TLS: Username/Password authentication deferred for "
			 "username '%s'", c->prefix, c->sess.peer_user);
		sc->defer_until_ms = clock_now_ms() + hand_window_ms(c->srv);
		if (!auth_pending(c))
			auth_decided(c, false);
		return;
	}
	if (result)
		scriptrun_log_failure("auth-user-pass-verify", result);
	auth_decided(c, result == 0);
}

/* The files OpenVPN pre-creates, named in the env and kept for later. */
static int auth_files_make(struct srv_client *c)
{
	struct srv_scripts *sc = &c->scr;

	auth_files_drop(c);
	sc->acf = scriptfile_make(c->srv->o->tmp_dir, "acf", NULL);
	sc->apf = scriptfile_make(c->srv->o->tmp_dir, "apf", NULL);
	sc->afr = scriptfile_make(c->srv->o->tmp_dir, "afr", NULL);
	if (!sc->acf || !sc->apf || !sc->afr)
		return -EIO;
	/* empty until a script writes: "not decided" */
	scriptenv_free(&sc->auth_files);
	scriptenv_set(&sc->auth_files, "auth_control_file", "%s", sc->acf);
	scriptenv_set(&sc->auth_files, "auth_failed_reason_file", "%s", sc->afr);
	scriptenv_set(&sc->auth_files, "auth_pending_file", "%s", sc->apf);
	return sc->auth_files.err;
}

/* via-file: username and password lines in a private file. */
static int auth_cred_file(struct srv_client *c)
{
	int fd = -1;
	FILE *f;

	c->scr.cred_file = scriptfile_make(c->srv->o->tmp_dir, "up", &fd);
	if (!c->scr.cred_file)
		return -EIO;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -EIO;
	}
	fprintf(f, "%s\n%s\n", c->sess.peer_user, c->sess.peer_pass);
	return fclose(f) ? -EIO : 0;
}

int server_auth_precheck(struct srv_client *c)
{
	int ret;

	if (!c->sess.peer_user || !c->sess.peer_user[0]) {
		/* auth-user-pass-optional: the certificate alone will do */
		if (c->srv->o->auth_user_pass_optional)
			return 0;
		log_err("%s TLS Auth Error: Auth Username/Password was not "
			"provided by peer", c->prefix);
		return -EACCES;
	}
	ret = auth_token(c);
	return ret == 1 ? 1 : ret;
}

int server_script_auth(struct srv_client *c, bool reauth,
		       server_script_done done)
{
	const struct opt_server *so = c->srv->so;
	struct srv_scripts *sc = &c->scr;
	struct scriptenv call;
	int ret;

	if (!so->auth_user_pass_verify)
		return 1;
	ret = server_auth_precheck(c);
	if (ret <= 0)
		return ret == 0 ? 1 : ret;
	if (sc->job)
		scriptrun_detach(&c->srv->scripts.run, sc->job);
	sc->job = NULL;
	sc->done = done;
	sc->reauth = reauth;
	sc->reason[0] = '\0';
	scriptenv_init(&call);
	ret = auth_files_make(c);
	if (!ret && so->auth_verify_via_file)
		ret = auth_cred_file(c);
	else if (!ret)
		scriptenv_set(&call, "password", "%s", c->sess.peer_pass);
	if (!ret)
		ret = server_script_start(c, SCRIPT_USER_PASS_VERIFY,
				   so->auth_user_pass_verify,
				   (const char *const[]){ sc->cred_file, NULL },
				   &call, auth_exited, &sc->job);
	scriptenv_free(&call);
	if (ret) {
		scriptfile_drop(&sc->cred_file);
		auth_files_drop(c);
		log_err("%s TLS Auth Error: Auth Username/Password verification "
			"failed for peer", c->prefix);
		return -EACCES;
	}
	return 0;
}

/* ---- client-connect ----------------------------------------------------------- */

static void connect_decided(struct srv_client *c, bool ok)
{
	struct srv_scripts *sc = &c->scr;
	char err[OPT_ERR_LEN];
	struct stat st;
	int ret = ok ? 0 : -EACCES;

	sc->defer_until_ms = 0;
	if (ok && !stat(sc->ccf, &st) && st.st_size > 0 &&
	    options_parse_ccd(sc->co, sc->ccf, err, sizeof(err))) {
		log_err("%s client-connect: %s", c->prefix, err);
		ret = -EINVAL;
	}
	scriptfile_drop(&sc->ccf);
	scriptfile_drop(&sc->ccr);
	if (ret)
		log_err("%s MULTI: client-connect script failed, client refused",
			c->prefix);
	if (sc->done)
		sc->done(c, ret);
}

static void connect_exited(void *ctx, int result)
{
	struct srv_client *c = ctx;
	struct srv_scripts *sc = &c->scr;

	server_client_wake(c);
	sc->job = NULL;
	if (result) {
		scriptrun_log_failure("client-connect", result);
		connect_decided(c, false);
		return;
	}
	if (scriptfile_first(sc->ccr) == '2') {
		log_info("%s MULTI: client-connect deferred", c->prefix);
		sc->defer_until_ms = clock_now_ms() + hand_window_ms(c->srv);
		return;
	}
	connect_decided(c, true);
}

int server_script_connect(struct srv_client *c, struct options *co,
			  server_script_done done)
{
	struct srv_scripts *sc = &c->scr;
	struct scriptenv call;
	int ret = 0;

	if (!c->srv->so->client_connect)
		return 1;
	sc->done = done;
	sc->co = co;
	sc->ccf = scriptfile_make(c->srv->o->tmp_dir, "cc", NULL);
	sc->ccr = scriptfile_make(c->srv->o->tmp_dir, "ccr", NULL);
	if (!sc->ccf || !sc->ccr)
		ret = -EIO;
	scriptenv_init(&call);
	if (!ret) {
		scriptenv_set(&call, "client_connect_config_file", "%s", sc->ccf);
		scriptenv_set(&call, "client_connect_deferred_file", "%s", sc->ccr);
		ret = server_script_start(c, SCRIPT_CLIENT_CONNECT, c->srv->so->client_connect,
				   (const char *const[]){ sc->ccf, NULL }, &call,
				   connect_exited, &sc->job);
	}
	scriptenv_free(&call);
	if (ret) {
		scriptfile_drop(&sc->ccf);
		scriptfile_drop(&sc->ccr);
		log_err("%s MULTI: client-connect script failed, client refused",
			c->prefix);
	}
	return ret;
}

/* ---- deferred decisions, polled -------------------------------------------- */

static void client_poll(struct srv_client *c, uint64_t now)
{
	struct srv_scripts *sc = &c->scr;
	bool is_auth = sc->acf != NULL;
	int ch = scriptfile_first(is_auth ? sc->acf : sc->ccr);

	if (ch == '1' || ch == '0') {
		if (is_auth)
			auth_decided(c, ch == '1');
		else
			connect_decided(c, ch == '1');
		return;
	}
	if (ch && ch != '2' && !is_auth) {
		log_warn("%s WARNING: Unknown/unexpected value in deferred "
			 "client-connect resultfile", c->prefix);
		connect_decided(c, false);
		return;
	}
	if (now < sc->defer_until_ms)
		return;
	log_err("%s deferred %s timed out (hand-window)", c->prefix,
		is_auth ? "authentication" : "client-connect");
	if (is_auth)
		auth_decided(c, false);
	else
		connect_decided(c, false);
}

/* Deferred decisions are polled this often (OpenVPN checks once a second). */
#define SS_POLL_MS 100u

uint64_t server_script_tick(struct server *s, uint64_t now_ms)
{
	return scriptrun_tick(&s->scripts.run, now_ms);
}

void server_script_client_tick(struct srv_client *c, uint64_t now_ms,
			       uint64_t *next)
{
	if (c->dead || !c->scr.defer_until_ms)
		return;
	client_poll(c, now_ms);
	if (c->scr.defer_until_ms && now_ms + SS_POLL_MS < *next)
		*next = now_ms + SS_POLL_MS;
}

