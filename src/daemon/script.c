/* up/down scripts: argv, OpenVPN's environment, a bounded wait. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "daemon/route_env.h"
#include "daemon/script.h"

#define SCRIPT_MAX_ARGS 32
#define SCRIPT_MAX_ENV 96
#define SCRIPT_TIMEOUT_MS 30000

struct script_env {
	unsigned n;
	char *v[SCRIPT_MAX_ENV + 1];
};

static void env_add(struct script_env *e, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void env_add(struct script_env *e, const char *name, const char *fmt, ...)
{
	char val[512];
	va_list ap;
	char *s;

	if (e->n >= SCRIPT_MAX_ENV)
		return;
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (asprintf(&s, "%s=%s", name, val) >= 0)
		e->v[e->n++] = s;
}

static void env_free(struct script_env *e)
{
	for (unsigned i = 0; i < e->n; i++)
		free(e->v[i]);
	e->n = 0;
}

static const char *ip4(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void env_ifconfig(struct script_env *e, const struct options *o)
{
	char a[INET6_ADDRSTRLEN];

	if (o->ifconfig_set) {
		env_add(e, "ifconfig_local", "%s", ip4(o->ifconfig_local, a));
		env_add(e, o->topology == OPT_TOPO_SUBNET ? "ifconfig_netmask" :
			"ifconfig_remote", "%s", ip4(o->ifconfig_remote, a));
	}
	if (o->route_gateway)
		env_add(e, "route_vpn_gateway", "%s", o->route_gateway);
	if (o->ifconfig6_set) {
		inet_ntop(AF_INET6, &o->ifconfig6_local, a, sizeof(a));
		env_add(e, "ifconfig_ipv6_local", "%s", a);
		env_add(e, "ifconfig_ipv6_netbits", "%d", o->ifconfig6_bits);
		inet_ntop(AF_INET6, &o->ifconfig6_remote, a, sizeof(a));
		env_add(e, "ifconfig_ipv6_remote", "%s", a);
	}
}

static void env_remote(struct script_env *e, const struct sockaddr_storage *r)
{
	char a[INET6_ADDRSTRLEN] = "";
	unsigned port = 0;

	if (r->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)r;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		port = ntohs(s->sin_port);
	} else if (r->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)r;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		port = ntohs(s->sin6_port);
	}
	env_add(e, "trusted_ip", "%s", a);
	env_add(e, "trusted_port", "%u", port);
}

static void env_put(void *ctx, const char *name, const char *value)
{
	env_add(ctx, name, "%s", value);
}

static void env_build(struct script_env *e, const struct script_ctx *sc,
		      const char *type)
{
	const struct options *o = sc->o;

	for (char **p = environ; *p && e->n < SCRIPT_MAX_ENV / 2; p++)
		e->v[e->n++] = strdup(*p);
	env_add(e, "script_type", "%s", type);
	env_add(e, "script_context", "init");
	env_add(e, "dev", "%s", sc->dev);
	env_add(e, "dev_type", "tun");
	env_add(e, "tun_mtu", "%u", sc->mtu);
	env_add(e, "verb", "%d", o->verb);
	env_ifconfig(e, o);
	env_remote(e, sc->remote);
	route_env(o, sc->remote, env_put, e);
	for (size_t i = 0; i < o->dhcp_options.n; i++)
		env_add(e, "", "%zu=dhcp-option %s %s", i + 1,
			o->dhcp_options.v[i].name, o->dhcp_options.v[i].value);
	for (size_t i = 0; i < o->setenv.n; i++)
		env_add(e, o->setenv.v[i].name, "%s", o->setenv.v[i].value);
	/* foreign_option_N: env_add wrote "=N=..."; give them their name. */
	for (unsigned i = 0; i < e->n; i++) {
		char *s;

		if (e->v[i][0] != '=' || asprintf(&s, "foreign_option_%s",
						  e->v[i] + 1) < 0)
			continue;
		free(e->v[i]);
		e->v[i] = s;
	}
	e->v[e->n] = NULL;
}

static unsigned split_args(char *cmd, char **argv, unsigned max)
{
	unsigned n = 0;

	for (char *t = strtok(cmd, " \t"); t && n < max; t = strtok(NULL, " \t"))
		argv[n++] = t;
	return n;
}

static int script_wait(pid_t pid, const char *type)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int status;

	for (unsigned waited = 0; waited < SCRIPT_TIMEOUT_MS; waited += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				return 0;
			log_err("WARNING: Failed running command (--%s): "
				"external program exited with error status: %d",
				type, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			return -ECANCELED;
		}
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	log_err("--%s script did not finish in %d s, killed", type,
		SCRIPT_TIMEOUT_MS / 1000);
	return -ETIMEDOUT;
}

void script_args(const struct script_ctx *sc, struct script_args *a)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->mtu, sizeof(a->mtu), "%u", sc->mtu);
	if (sc->o->ifconfig_set) {
		ip4(sc->o->ifconfig_local, a->local);
		ip4(sc->o->ifconfig_remote, a->mask);
	}
	a->v[0] = sc->dev;
	a->v[1] = a->mtu;
	a->v[2] = "0";
	a->v[3] = a->local;
	a->v[4] = a->mask;
	a->v[5] = "init";
	a->v[6] = NULL;
}

char **script_env(const struct script_ctx *sc, const char *type)
{
	struct script_env env = { 0 };
	char **v;
	unsigned j = 0;

	env_build(&env, sc, type);
	v = calloc(env.n + 1, sizeof(*v));
	if (!v) {
		env_free(&env);
		return NULL;
	}
	/* plugins get no script_type (OpenVPN deletes it before a call) */
	for (unsigned i = 0; i < env.n; i++) {
		if (strncmp(env.v[i], "script_type=", 12))
			v[j++] = env.v[i];
		else
			free(env.v[i]);
	}
	return v;
}

void script_env_free(char **env)
{
	for (char **p = env; p && *p; p++)
		free(*p);
	free(env);
}

int script_run(const struct script_ctx *sc, const char *type, const char *cmd)
{
	char *argv[SCRIPT_MAX_ARGS + 8], *copy;
	struct script_env env = { 0 };
	struct script_args a;
	unsigned n;
	pid_t pid;

	if (!cmd)
		return 0;
	if (sc->o->script_security < 2) {
		log_warn("WARNING: External program may not be called unless "
			 "'--script-security 2' or higher is enabled. See --help "
			 "text or man page for detailed info.");
		return -EPERM;
	}
	copy = strdup(cmd);
	if (!copy)
		return -ENOMEM;
	n = split_args(copy, argv, SCRIPT_MAX_ARGS);
	script_args(sc, &a);
	for (unsigned i = 0; a.v[i]; i++)
		argv[n++] = (char *)a.v[i];
	argv[n] = NULL;
	env_build(&env, sc, type);
	log_info("%s %s", argv[0], type);
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(argv[0], argv, env.v);
		_exit(127);
	}
	env_free(&env);
	free(copy);
	if (pid < 0)
		return -errno;
	return script_wait(pid, type);
}
