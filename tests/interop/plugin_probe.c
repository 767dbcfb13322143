/*
 * A test plugin (built by tests/interop/server_plugin_probe.sh, loaded by
 * dcovpn and by openvpn on the same configuration): it writes one line
 * per call to the file named by its first argument, so the test can
 * compare what each host calls, with which arguments and variables.
 *
 * AUTH_USER_PASS_VERIFY answers by username: "deny" fails, "slow" succeeds
 * after 8 s (a synchronous answer that takes long), "later" and
 * "later-ok" are deferred (a child writes auth_failed_reason_file and
 * auth_control_file a moment later), "pending" too, after asking the
 * client through auth_pending_file to open a URL; anything else succeeds.
 * CLIENT_CONNECT_V2 returns a config pushing a route.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openvpn/openvpn-plugin.h>

struct probe {
	char path[512];
	struct openvpn_plugin_callbacks *cb;
};

static const char *names[] = {
	"UP", "DOWN", "ROUTE_UP", "IPCHANGE", "TLS_VERIFY", "AUTH",
	"CLIENT_CONNECT", "CLIENT_DISCONNECT", "LEARN_ADDRESS",
	"CLIENT_CONNECT_V2", "TLS_FINAL", "ENABLE_PF", "ROUTE_PREDOWN",
	"CLIENT_CONNECT_DEFER", "CLIENT_CONNECT_DEFER_V2",
};

static void out(const struct probe *p, const char *fmt, ...)
{
	FILE *f = fopen(p->path, "a");
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static const char *env(const char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

OPENVPN_EXPORT int openvpn_plugin_min_version_required_v1(void)
{
	return 3;
}

OPENVPN_EXPORT int openvpn_plugin_open_v3(const int version,
					  struct openvpn_plugin_args_open_in const *in,
					  struct openvpn_plugin_args_open_return *ret)
{
	struct probe *p = calloc(1, sizeof(*p));
	char *b64 = NULL, back[16] = "";
	int n;

	if (!p || version < 5 || !in->argv[1])
		return OPENVPN_PLUGIN_FUNC_ERROR;
	snprintf(p->path, sizeof(p->path), "%s", in->argv[1]);
	p->cb = in->callbacks;
	n = p->cb->plugin_base64_encode("probe", 5, &b64);
	n = n > 0 ? p->cb->plugin_base64_decode(b64, back, sizeof(back) - 1) : -1;
	out(p, "OPEN major=%u minor=%u ssl=%d version=%.3s b64=%s/%s", in->ovpn_version_major,
	    in->ovpn_version_minor, (int)in->ssl_api, in->ovpn_version,
	    b64 ? b64 : "-", n == 5 && !memcmp(back, "probe", 5) ? "ok" : "bad");
	free(b64);
	p->cb->plugin_log(PLOG_NOTE, "probe", "opened, writing to %s", p->path);
	ret->type_mask = OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_UP) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_DOWN) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_ROUTE_UP) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_IPCHANGE) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_ROUTE_PREDOWN) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_TLS_VERIFY) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_TLS_FINAL);
	/* "client" (second argument): no client events (a client
	 * registering AUTH_USER_PASS_VERIFY would check the server's) */
	if (in->argv[2] && !strcmp(in->argv[2], "client"))
		goto done;
	ret->type_mask |= OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_CLIENT_CONNECT_V2) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_CLIENT_DISCONNECT) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_LEARN_ADDRESS) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_CLIENT_CONNECT) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER) |
			 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2) |
			 0;
done:
	ret->handle = p;
	return OPENVPN_PLUGIN_FUNC_SUCCESS;
}

/* A child answers for the deferred auth a moment later. */
static int defer(const char *const *envp, int ok)
{
	const char *acf = env(envp, "auth_control_file");
	const char *afr = env(envp, "auth_failed_reason_file");
	FILE *f;

	if (!acf)
		return OPENVPN_PLUGIN_FUNC_ERROR;
	if (fork() != 0)
		return OPENVPN_PLUGIN_FUNC_DEFERRED;
	if (fork() != 0)
		_exit(0);
	usleep(500 * 1000);
	if (!ok && afr && (f = fopen(afr, "w"))) {
		fputs("probe says no", f);
		fclose(f);
	}
	if ((f = fopen(acf, "w"))) {
		fputs(ok ? "1" : "0", f);
		fclose(f);
	}
	_exit(0);
}

/* auth_pending_file: the client is to open a URL (method openurl). */
static void pending(const char *const *envp)
{
	const char *apf = env(envp, "auth_pending_file");
	FILE *f = apf ? fopen(apf, "w") : NULL;

	if (!f)
		return;
	fputs("30\nopenurl\nOPEN_URL:https://example.org/probe\n", f);
	fclose(f);
}

static int auth(const char *const *envp)
{
	const char *user = env(envp, "username");

	if (user && !strcmp(user, "pending")) {
		pending(envp);
		return defer(envp, 1);
	}
	if (!user || !strcmp(user, "deny"))
		return OPENVPN_PLUGIN_FUNC_ERROR;
	if (!strcmp(user, "later") || !strcmp(user, "later-ok"))
		return defer(envp, !strcmp(user, "later-ok"));
	/* a synchronous back end that takes seconds to answer (auth-ldap
	 * waiting for an LDAP server that does not answer) */
	if (!strcmp(user, "slow"))
		sleep(8);
	return OPENVPN_PLUGIN_FUNC_SUCCESS;
}

/* v1 client-connect for "slowcc": '2' now, options and '1' a moment
 * later, from a child. */
static int connect_v1(const char *const *envp, const char *ccf)
{
	const char *ccr = env(envp, "client_connect_deferred_file");
	const char *user = env(envp, "username");
	FILE *f;

	if (!user || strcmp(user, "slowcc"))
		return OPENVPN_PLUGIN_FUNC_SUCCESS;
	if (!ccr || !ccf || !(f = fopen(ccr, "w")))
		return OPENVPN_PLUGIN_FUNC_ERROR;
	fputs("2", f);
	fclose(f);
	if (fork() != 0)
		return OPENVPN_PLUGIN_FUNC_SUCCESS;
	if (fork() != 0)
		_exit(0);
	usleep(500 * 1000);
	if ((f = fopen(ccf, "w"))) {
		fputs("push \"route 198.19.98.0 255.255.255.0\"\n", f);
		fclose(f);
	}
	if ((f = fopen(ccr, "w"))) {
		fputs("1", f);
		fclose(f);
	}
	_exit(0);
}

static void give_config(struct openvpn_plugin_args_func_return *ret)
{
	struct openvpn_plugin_string_list *l = calloc(1, sizeof(*l));

	if (!l || !ret->return_list)
		return;
	l->name = strdup("config");
	l->value = strdup("push \"route 198.19.99.0 255.255.255.0\"\n");
	*ret->return_list = l;
}

OPENVPN_EXPORT int openvpn_plugin_func_v3(const int version,
					  struct openvpn_plugin_args_func_in const *in,
					  struct openvpn_plugin_args_func_return *ret)
{
	const struct probe *p = in->handle;
	const char *const *envp = (const char *const *)in->envp;
	const char *cn = env(envp, "common_name");
	const char *user = env(envp, "username");
	char args[256] = "";
	size_t len = 0;

	(void)version;
	for (int i = 1; in->argv[i] && len < sizeof(args) - 1; i++)
		len += (size_t)snprintf(args + len, sizeof(args) - len, " %s",
					in->argv[i]);
	out(p, "EV %s cn=%s user=%s client=%s cert=%d script_type=%s |%s",
	    in->type < 15 ? names[in->type] : "?", cn ? cn : "-",
	    user ? user : "-", in->per_client_context ? "yes" : "no",
	    in->current_cert ? in->current_cert_depth : -1,
	    env(envp, "script_type") ? "set" : "unset", args);
	if (in->type == OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY)
		return auth(envp);
	if (in->type == OPENVPN_PLUGIN_CLIENT_CONNECT)
		return connect_v1(envp, in->argv[1]);
	/* "slowcc2": v2 deferred, answered at the second DEFER_V2 poll */
	if (in->type == OPENVPN_PLUGIN_CLIENT_CONNECT_V2 && user &&
	    !strcmp(user, "slowcc2"))
		return OPENVPN_PLUGIN_FUNC_DEFERRED;
	if (in->type == OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2 &&
	    in->per_client_context &&
	    ++*(unsigned char *)in->per_client_context < 2)
		return OPENVPN_PLUGIN_FUNC_DEFERRED;
	if (in->type == OPENVPN_PLUGIN_CLIENT_CONNECT_V2 ||
	    in->type == OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2)
		give_config(ret);
	return OPENVPN_PLUGIN_FUNC_SUCCESS;
}

OPENVPN_EXPORT void *openvpn_plugin_client_constructor_v1(openvpn_plugin_handle_t h)
{
	out(h, "CTOR");
	return calloc(1, 1);
}

OPENVPN_EXPORT void openvpn_plugin_client_destructor_v1(openvpn_plugin_handle_t h,
							void *ctx)
{
	out(h, "DTOR");
	free(ctx);
}

OPENVPN_EXPORT void openvpn_plugin_close_v1(openvpn_plugin_handle_t h)
{
	out(h, "CLOSE");
	free(h);
}
