/*
 * The server's per-client hooks, as OpenVPN runs them (argv split on
 * blanks, extra arguments appended, the client's environment, a bounded
 * synchronous wait): auth-user-pass-verify (via-env or via-file),
 * client-connect (its dynamic config file parsed as a ccd file),
 * client-disconnect, learn-address. All need --script-security 2.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/mem.h"
#include "daemon/server_int.h"

#define SS_MAX_ENV 160
#define SS_MAX_ARGS 40
#define SS_TIMEOUT_MS 30000u

struct senv {
	unsigned n;
	char *v[SS_MAX_ENV + 1];
};

static void senv_add(struct senv *e, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void senv_add(struct senv *e, const char *name, const char *fmt, ...)
{
	char val[1024];
	va_list ap;
	char *s;

	if (e->n >= SS_MAX_ENV)
		return;
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (asprintf(&s, "%s=%s", name, val) >= 0)
		e->v[e->n++] = s;
	mem_wipe(val, sizeof(val));
}

static void senv_free(struct senv *e)
{
	for (unsigned i = 0; i < e->n; i++) {
		mem_wipe(e->v[i], strlen(e->v[i]));
		free(e->v[i]);
	}
	e->n = 0;
}

/* IV_* lines of the client's peer-info become variables. */
static void senv_peer_info(struct senv *e, const char *pi)
{
	while (pi && *pi) {
		const char *nl = strchr(pi, '\n');
		size_t len = nl ? (size_t)(nl - pi) : strlen(pi);
		const char *eq = memchr(pi, '=', len);

		if (eq && len < 512 && (!strncmp(pi, "IV_", 3) || !strncmp(pi, "UV_", 3)))
			senv_add(e, "", "%.*s", (int)len, pi);
		pi = nl ? nl + 1 : NULL;
	}
	/* senv_add wrote "=IV_X=v": drop the leading '='. */
	for (unsigned i = 0; i < e->n; i++)
		if (e->v[i][0] == '=')
			memmove(e->v[i], e->v[i] + 1, strlen(e->v[i]));
}

static void senv_client(struct senv *e, const struct srv_client *c,
			const char *type)
{
	const struct server *s = c->srv;
	char a[INET6_ADDRSTRLEN], ip[INET6_ADDRSTRLEN] = "", tbuf[64];
	const char *colon = strrchr(c->real, ':');
	time_t now = time(NULL);
	struct tm tm;

	for (char **p = environ; *p && e->n < SS_MAX_ENV / 2; p++)
		e->v[e->n++] = strdup(*p);
	snprintf(ip, sizeof(ip), "%.*s", colon ? (int)(colon - c->real) : 0,
		 c->real);
	senv_add(e, "script_type", "%s", type);
	senv_add(e, "script_context", "init");
	senv_add(e, "dev", "%s", dco_ifname(s->dco));
	senv_add(e, "dev_type", "tun");
	senv_add(e, "tun_mtu", "%u", dco_mtu(s->dco));
	senv_add(e, "verb", "%d", s->o->verb);
	senv_add(e, "daemon", "0");
	senv_add(e, "common_name", "%s", c->cn);
	senv_add(e, "X509_0_CN", "%s", c->cn);
	senv_add(e, c->addr.ss_family == AF_INET6 ? "trusted_ip6" : "trusted_ip",
		 "%s", ip);
	senv_add(e, "trusted_port", "%s", colon ? colon + 1 : "");
	senv_add(e, c->addr.ss_family == AF_INET6 ? "untrusted_ip6" : "untrusted_ip",
		 "%s", ip);
	senv_add(e, "untrusted_port", "%s", colon ? colon + 1 : "");
	senv_add(e, "proto_1", "%s", c->tr == DCO_TRANSPORT_UDP ? "udp" : "tcp-server");
	senv_add(e, "peer_id", "%u", c->peer_id);
	if (c->has4) {
		senv_add(e, "ifconfig_pool_remote_ip", "%s",
			 inet_ntop(AF_INET, &c->vpn4, a, sizeof(a)));
		if (s->topo == OPT_TOPO_SUBNET)
			senv_add(e, "ifconfig_pool_netmask", "%s",
				 inet_ntop(AF_INET, &s->mask4, a, sizeof(a)));
		senv_add(e, "ifconfig_local", "%s",
			 inet_ntop(AF_INET, &s->local4, a, sizeof(a)));
	}
	if (c->has6)
		senv_add(e, "ifconfig_pool_remote_ip6", "%s",
			 inet_ntop(AF_INET6, &c->vpn6, a, sizeof(a)));
	if (c->sess.peer_user)
		senv_add(e, "username", "%s", c->sess.peer_user);
	senv_add(e, "time_unix", "%lld", (long long)c->since);
	localtime_r(&c->since, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%d %H:%M:%S", &tm);
	senv_add(e, "time_ascii", "%s", tbuf);
	if (!strcmp(type, "client-disconnect"))
		senv_add(e, "time_duration", "%lld", (long long)(now - c->since));
	senv_peer_info(e, c->sess.peer_info);
}

/* The environment of a @type script for @c, plus @extra "name=value"
 * strings (NULL-ended, may be NULL), for the plugins. */
char **server_script_env(const struct srv_client *c, const char *type,
			 const char *const *extra)
{
	struct senv e = { 0 };
	char **v;

	senv_client(&e, c, type);
	/* plugins get no script_type (OpenVPN deletes it before a call) */
	for (unsigned i = 0, j = 0, n = e.n; i < n; i++) {
		if (strncmp(e.v[i], "script_type=", 12))
			e.v[j++] = e.v[i];
		else
			free(e.v[i]);
		e.n = j;
	}
	for (; extra && *extra && e.n < SS_MAX_ENV; extra++) {
		char *d = strdup(*extra);

		if (d)
			e.v[e.n++] = d;
	}
	v = calloc(e.n + 1, sizeof(*v));
	if (!v) {
		senv_free(&e);
		return NULL;
	}
	memcpy(v, e.v, e.n * sizeof(*v));
	return v;
}

void server_script_env_free(char **env)
{
	for (char **p = env; p && *p; p++) {
		mem_wipe(*p, strlen(*p));
		free(*p);
	}
	free(env);
}

static int ss_wait(pid_t pid, const char *type)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int status;

	for (unsigned waited = 0; waited < SS_TIMEOUT_MS; waited += 5) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 :
			       -ECANCELED;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	log_err("--%s script did not finish in %u s, killed", type,
		SS_TIMEOUT_MS / 1000u);
	return -ETIMEDOUT;
}

/* Run @cmd with @extra appended; 0 if it exited with status 0. */
static int ss_run(const struct srv_client *c, const char *type, const char *cmd,
		  const char *const *extra, struct senv *e)
{
	char *argv[SS_MAX_ARGS + 1], *copy;
	unsigned n = 0;
	pid_t pid;
	int ret;

	if (c->srv->o->script_security < 2) {
		log_warn("WARNING: External program may not be called unless "
			 "'--script-security 2' or higher is enabled (--%s)", type);
		return -EPERM;
	}
	copy = strdup(cmd);
	if (!copy)
		return -ENOMEM;
	for (char *t = strtok(copy, " \t"); t && n < SS_MAX_ARGS - 4;
	     t = strtok(NULL, " \t"))
		argv[n++] = t;
	for (; extra && *extra && n < SS_MAX_ARGS; extra++)
		argv[n++] = (char *)*extra;
	argv[n] = NULL;
	e->v[e->n] = NULL;
	ret = -EINVAL;
	if (!n)
		goto out;
	pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, e->v);
		_exit(127);
	}
	ret = pid < 0 ? -errno : ss_wait(pid, type);
	if (ret == -ECANCELED)
		log_warn("%s WARNING: Failed running command (--%s): external "
			 "program exited with error status", c->prefix, type);
out:
	free(copy);
	return ret;
}

/* A private temporary file (in --tmp-dir, else /tmp): its path in @path. */
int server_script_tmpfile(const struct srv_client *c, char *path, size_t len,
			  const char *tag)
{
	const char *dir = c->srv->o->tmp_dir ? c->srv->o->tmp_dir : "/tmp";
	int fd;

	snprintf(path, len, "%s/dcovpn_%s_XXXXXX", dir, tag);
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	fchmod(fd, 0600);
	return fd;
}

/*
 * auth-gen-token: a token of ours instead of a password stands for the
 * password checked when it was issued (the script is not run again, as
 * OpenVPN does). 0 accepted, -EACCES refused, 1: not a token, check the
 * password.
 */
static int ss_auth_token(struct srv_client *c)
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

int server_auth_precheck(struct srv_client *c)
{
	if (!c->sess.peer_user || !c->sess.peer_user[0]) {
		/* auth-user-pass-optional: the certificate alone will do */
		if (c->srv->o->auth_user_pass_optional)
			return 0;
		log_err("%s TLS Auth Error: Auth Username/Password was not "
			"provided by peer", c->prefix);
		return -EACCES;
	}
	return ss_auth_token(c);
}

int server_script_auth(struct srv_client *c)
{
	const struct opt_server *so = c->srv->so;
	struct senv e = { 0 };
	char path[PATH_MAX];
	int ret;

	if (!so->auth_user_pass_verify)
		return 0;
	ret = server_auth_precheck(c);
	if (ret <= 0)
		return ret;
	senv_client(&e, c, "user-pass-verify");
	if (so->auth_verify_via_file) {
		int fd = server_script_tmpfile(c, path, sizeof(path), "up");
		FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

		if (!f) {
			if (fd >= 0)
				close(fd);
			senv_free(&e);
			return -EIO;
		}
		fprintf(f, "%s\n%s\n", c->sess.peer_user, c->sess.peer_pass);
		fclose(f);
		ret = ss_run(c, "auth-user-pass-verify", so->auth_user_pass_verify,
			     (const char *const[]){ path, NULL }, &e);
		unlink(path);
	} else {
		senv_add(&e, "password", "%s", c->sess.peer_pass);
		ret = ss_run(c, "auth-user-pass-verify", so->auth_user_pass_verify,
			     NULL, &e);
	}
	senv_free(&e);
	if (ret) {
		log_err("%s TLS Auth Error: Auth Username/Password verification "
			"failed for peer", c->prefix);
		return -EACCES;
	}
	log_info("%s TLS: Username/Password authentication succeeded for "
		 "username '%s'", c->prefix, c->sess.peer_user);
	return 0;
}

int server_script_connect(struct srv_client *c, struct options *co)
{
	const struct opt_server *so = c->srv->so;
	struct senv e = { 0 };
	char path[PATH_MAX], err[OPT_ERR_LEN];
	struct stat st;
	int fd, ret;

	if (!so->client_connect)
		return 0;
	fd = server_script_tmpfile(c, path, sizeof(path), "cc");
	if (fd < 0)
		return fd;
	close(fd);
	senv_client(&e, c, "client-connect");
	ret = ss_run(c, "client-connect", so->client_connect,
		     (const char *const[]){ path, NULL }, &e);
	senv_free(&e);
	if (!ret && !stat(path, &st) && st.st_size > 0 &&
	    options_parse_ccd(co, path, err, sizeof(err))) {
		log_err("%s client-connect: %s", c->prefix, err);
		ret = -EINVAL;
	}
	unlink(path);
	if (ret)
		log_err("%s MULTI: client-connect script failed, client refused",
			c->prefix);
	return ret;
}

void server_script_disconnect(struct srv_client *c)
{
	const struct opt_server *so = c->srv->so;
	struct senv e = { 0 };
	struct dco_stats st;

	if (!so->client_disconnect)
		return;
	senv_client(&e, c, "client-disconnect");
	if (c->peer_added && !dco_get_stats(c->srv->dco, c->peer_id, &st)) {
		senv_add(&e, "bytes_received", "%llu",
			 (unsigned long long)st.link_rx_bytes);
		senv_add(&e, "bytes_sent", "%llu",
			 (unsigned long long)st.link_tx_bytes);
	}
	ss_run(c, "client-disconnect", so->client_disconnect, NULL, &e);
	senv_free(&e);
}

/* --tls-crypt-v2-verify: the client key's metadata (without its type
 * byte) in a file, as OpenVPN's tls_crypt_v2_verify_metadata. */
int server_script_v2_verify(struct srv_client *c, const uint8_t *meta,
			    size_t len)
{
	const char *cmd = c->srv->so->tls_crypt_v2_verify;
	struct senv e = { 0 };
	char path[PATH_MAX];
	int fd, ret;

	if (!cmd)
		return 0;
	if (!len)
		return -EINVAL;
	fd = server_script_tmpfile(c, path, sizeof(path), "v2meta");
	if (fd < 0)
		return fd;
	ret = write(fd, meta + 1, len - 1) == (ssize_t)(len - 1) ? 0 : -EIO;
	close(fd);
	if (!ret) {
		senv_client(&e, c, "tls-crypt-v2-verify");
		senv_add(&e, "metadata_type", "%u", meta[0]);
		senv_add(&e, "metadata_file", "%s", path);
		ret = ss_run(c, "tls-crypt-v2-verify", cmd, NULL, &e);
		senv_free(&e);
	}
	unlink(path);
	if (ret)
		log_err("%s TLS Error: --tls-crypt-v2-verify refused the client "
			"key", c->desc);
	return ret;
}

void server_script_learn(struct srv_client *c, const char *op)
{
	const char *cmd = c->srv->so->learn_address;
	char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	struct senv e = { 0 };

	if (!cmd)
		return;
	senv_client(&e, c, "learn-address");
	if (c->has4) {
		inet_ntop(AF_INET, &c->vpn4, a4, sizeof(a4));
		ss_run(c, "learn-address", cmd, (const char *const[]){ op, a4,
		       !strcmp(op, "delete") ? NULL : c->cn, NULL }, &e);
	}
	if (c->has6) {
		inet_ntop(AF_INET6, &c->vpn6, a6, sizeof(a6));
		ss_run(c, "learn-address", cmd, (const char *const[]){ op, a6,
		       !strcmp(op, "delete") ? NULL : c->cn, NULL }, &e);
	}
	senv_free(&e);
}
