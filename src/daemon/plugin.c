/* The plugin host: dlopen, the v1/v2/v3 entry points, calls in order. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openvpn/openvpn-plugin.h>

#include "base/log.h"
#include "daemon/plugin.h"

/* Where OpenVPN looks up a plugin given without a directory (Debian). */
#ifndef PLUGIN_LIBDIR
#define PLUGIN_LIBDIR "/usr/lib/x86_64-linux-gnu/openvpn/plugins"
#endif
/* The OpenVPN version plugins are told (they check major/minor). */
#define PLUGIN_OVPN_VERSION "2.6.14"

typedef openvpn_plugin_handle_t (*open1_fn)(unsigned int *, const char *[],
					    const char *[]);
typedef openvpn_plugin_handle_t (*open2_fn)(unsigned int *, const char *[],
					    const char *[],
					    struct openvpn_plugin_string_list **);
typedef int (*open3_fn)(int, const struct openvpn_plugin_args_open_in *,
			struct openvpn_plugin_args_open_return *);
typedef int (*func1_fn)(openvpn_plugin_handle_t, int, const char *[],
			const char *[]);
typedef int (*func2_fn)(openvpn_plugin_handle_t, int, const char *[],
			const char *[], void *,
			struct openvpn_plugin_string_list **);
typedef int (*func3_fn)(int, const struct openvpn_plugin_args_func_in *,
			struct openvpn_plugin_args_func_return *);
typedef void (*close_fn)(openvpn_plugin_handle_t);
typedef void *(*ctor_fn)(openvpn_plugin_handle_t);
typedef void (*dtor_fn)(openvpn_plugin_handle_t, void *);
typedef int (*int_fn)(void);

struct plugin {
	void *dl;
	const char **argv;		/* the line's words, path first */
	char *path;			/* argv[0] as given */
	int init_point;
	unsigned mask;			/* events it registered */
	openvpn_plugin_handle_t handle;
	bool opened;
	open1_fn open1;
	open2_fn open2;
	open3_fn open3;
	func1_fn func1;
	func2_fn func2;
	func3_fn func3;
	close_fn close;
	close_fn abort;
	ctor_fn ctor;
	dtor_fn dtor;
};

/* Every event dcovpn calls (the others are never registered for). */
#define PLUGIN_SUPPORTED                                                     \
	(OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_UP) |                            \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_DOWN) |                          \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_ROUTE_UP) |                      \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_IPCHANGE) |                      \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_TLS_VERIFY) |                    \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY) |         \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_CLIENT_CONNECT) |                \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_CLIENT_DISCONNECT) |             \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_LEARN_ADDRESS) |                 \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_CLIENT_CONNECT_V2) |             \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_TLS_FINAL) |                     \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_ROUTE_PREDOWN) |                 \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER) |          \
	 OPENVPN_PLUGIN_MASK(OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2))

const char *plugin_type_name(int type)
{
	static const char *const names[OPENVPN_PLUGIN_N] = {
		"PLUGIN_UP", "PLUGIN_DOWN", "PLUGIN_ROUTE_UP", "PLUGIN_IPCHANGE",
		"PLUGIN_TLS_VERIFY", "PLUGIN_AUTH_USER_PASS_VERIFY",
		"PLUGIN_CLIENT_CONNECT", "PLUGIN_CLIENT_DISCONNECT",
		"PLUGIN_LEARN_ADDRESS", "PLUGIN_CLIENT_CONNECT_V2",
		"PLUGIN_TLS_FINAL", "PLUGIN_ENABLE_PF", "PLUGIN_ROUTE_PREDOWN",
		"PLUGIN_CLIENT_CONNECT_DEFER", "PLUGIN_CLIENT_CONNECT_DEFER_V2",
		"PLUGIN_CLIENT_CRRESPONSE",
	};

	return type >= 0 && type < OPENVPN_PLUGIN_N && names[type] ? names[type] :
	       "PLUGIN_???";
}

/* ---- the callbacks plugins get --------------------------------------------- */

static void cb_vlog(openvpn_plugin_log_flags_t flags, const char *name,
		    const char *fmt, va_list ap)
{
	int err = errno, level = LOG_INFO;
	char line[1024];

	if (!name || !name[0])
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (flags & PLOG_ERR)
		level = LOG_ERR;
	else if (flags & PLOG_WARN)
		level = LOG_WARN;
	else if (flags & PLOG_DEBUG)
		level = LOG_TRACE;
	if (flags & PLOG_ERRNO)
		log_msg(level, "PLUGIN %s: %s: %s (errno=%d)", name, line,
			strerror(err), err);
	else
		log_msg(level, "PLUGIN %s: %s", name, line);
}

static void cb_log(openvpn_plugin_log_flags_t flags, const char *name,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void cb_log(openvpn_plugin_log_flags_t flags, const char *name,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cb_vlog(flags, name, fmt, ap);
	va_end(ap);
}

static void cb_memzero(void *data, size_t len)
{
	OPENSSL_cleanse(data, len);
}

/* *str: malloc'd NUL-ended base64 of @data; its length, or -1. */
static int cb_b64_encode(const void *data, int size, char **str)
{
	char *out;
	int n;

	*str = NULL;
	if (size < 0 || size > (1 << 28))
		return -1;
	out = malloc((size_t)(size + 2) / 3 * 4 + 1);
	if (!out)
		return -1;
	n = EVP_EncodeBlock((unsigned char *)out, data, size);
	*str = out;
	return n;
}

/* Decode @str into @data (at most @size bytes): the byte count, or -1. */
static int cb_b64_decode(const char *str, void *data, int size)
{
	size_t len = strlen(str), cap = len / 4 * 3 + 1;
	unsigned char *tmp;
	int n;

	if (len % 4 || len > (1u << 28))
		return -1;
	tmp = malloc(cap);
	if (!tmp)
		return -1;
	n = EVP_DecodeBlock(tmp, (const unsigned char *)str, (int)len);
	/* EVP_DecodeBlock counts the padding's zero bytes */
	for (size_t i = len; n > 0 && i > len - 2 && i > 0 && str[i - 1] == '='; i--)
		n--;
	if (n > size)
		n = -1;
	if (n > 0)
		memcpy(data, tmp, (size_t)n);
	OPENSSL_cleanse(tmp, cap);
	free(tmp);
	return n;
}

static struct openvpn_plugin_callbacks plugin_callbacks = {
	cb_log, cb_vlog, cb_memzero, cb_b64_encode, cb_b64_decode,
};

/* ---- loading ----------------------------------------------------------------- */

static void *sym(struct plugin *p, const char *name)
{
	return dlsym(p->dl, name);
}

/* Function pointers from void * (POSIX guarantees the conversion). */
#define SYM(p, f, name) (*(void **)&(p)->f = sym((p), (name)))

static int plugin_resolve(struct plugin *p)
{
	int_fn minver, point;

	SYM(p, open1, "openvpn_plugin_open_v1");
	SYM(p, open2, "openvpn_plugin_open_v2");
	SYM(p, open3, "openvpn_plugin_open_v3");
	SYM(p, func1, "openvpn_plugin_func_v1");
	SYM(p, func2, "openvpn_plugin_func_v2");
	SYM(p, func3, "openvpn_plugin_func_v3");
	SYM(p, close, "openvpn_plugin_close_v1");
	SYM(p, abort, "openvpn_plugin_abort_v1");
	SYM(p, ctor, "openvpn_plugin_client_constructor_v1");
	SYM(p, dtor, "openvpn_plugin_client_destructor_v1");
	*(void **)&minver = sym(p, "openvpn_plugin_min_version_required_v1");
	*(void **)&point = sym(p, "openvpn_plugin_select_initialization_point_v1");
	if (!(p->open1 || p->open2 || p->open3) ||
	    !(p->func1 || p->func2 || p->func3) || !p->close) {
		log_err("PLUGIN_INIT: %s: not an OpenVPN plugin (no open, func "
			"or close_v1 entry point)", p->path);
		return -ENOENT;
	}
	if (minver && minver() > OPENVPN_PLUGIN_VERSION) {
		log_err("PLUGIN_INIT: plugin needs interface version %d, but this "
			"version of dcovpn only supports version %d: %s", minver(),
			OPENVPN_PLUGIN_VERSION, p->path);
		return -ENOTSUP;
	}
	p->init_point = point ? point() : OPENVPN_PLUGIN_INIT_PRE_DAEMON;
	return 0;
}

static int plugin_dlopen(struct plugin *p)
{
	char full[4096];
	const char *file = p->path;

	/* as OpenVPN: a name without a '/' (not starting with '.') is looked
	 * up in the plugin directory */
	if (p->path[0] != '/' && p->path[0] != '.') {
		snprintf(full, sizeof(full), "%s/%s", PLUGIN_LIBDIR, p->path);
		file = full;
	}
	p->dl = dlopen(file, RTLD_NOW);
	if (!p->dl) {
		log_err("PLUGIN_INIT: could not load plugin shared object %s: %s",
			p->path, dlerror());
		return -ENOENT;
	}
	return plugin_resolve(p);
}

static const char **argv_copy(const struct opt_strv *v)
{
	const char **a = calloc(v->n + 1, sizeof(*a));

	for (size_t i = 0; a && i < v->n; i++)
		a[i] = v->v[i];
	return a;
}

static void plugin_free(struct plugin *p)
{
	if (p->dl)
		dlclose(p->dl);
	free(p->argv);
	free(p);
}

/* The string list a plugin returned: @name's value kept in *@out. */
static void retlist_take(struct openvpn_plugin_string_list *l,
			 const char *name, char **out)
{
	while (l) {
		struct openvpn_plugin_string_list *next = l->next;

		if (out && l->name && !strcmp(l->name, name) && !*out) {
			*out = l->value;
			l->value = NULL;
		}
		free(l->name);
		free(l->value);
		free(l);
		l = next;
	}
}

/* After its open: the instance's own context (OpenVPN's
 * plugin_per_client_init for the top-level list). */
static void plugin_global_ctx(struct plugin_host *h, unsigned i)
{
	struct plugin *p = h->p[i];

	if (p->opened && p->ctor && !h->global.ctx[i])
		h->global.ctx[i] = p->ctor(p->handle);
}

static int plugin_do_open(struct plugin *p, const char *const *envp)
{
	struct openvpn_plugin_string_list *rl = NULL;
	unsigned mask = 0;

	if (p->open3) {
		struct openvpn_plugin_args_open_in in = {
			.type_mask = 0,
			.argv = p->argv,
			.envp = (const char **)envp,
			.callbacks = &plugin_callbacks,
			.ssl_api = SSLAPI_OPENSSL,
			.ovpn_version = PLUGIN_OVPN_VERSION,
			.ovpn_version_major = OPENVPN_VERSION_MAJOR,
			.ovpn_version_minor = OPENVPN_VERSION_MINOR,
			.ovpn_version_patch = OPENVPN_VERSION_PATCH,
		};
		struct openvpn_plugin_args_open_return ret = { .return_list = &rl };

		if (p->open3(OPENVPN_PLUGINv3_STRUCTVER, &in, &ret) ==
		    OPENVPN_PLUGIN_FUNC_SUCCESS) {
			p->handle = ret.handle;
			mask = (unsigned)ret.type_mask;
		}
	} else if (p->open2) {
		p->handle = p->open2(&mask, p->argv, (const char **)envp, &rl);
	} else {
		p->handle = p->open1(&mask, p->argv, (const char **)envp);
	}
	retlist_take(rl, "", NULL);
	if (!p->handle) {
		log_err("PLUGIN_INIT: plugin initialization function failed: %s",
			p->path);
		return -EINVAL;
	}
	p->opened = true;
	p->mask = mask;
	if (mask & ~(unsigned)PLUGIN_SUPPORTED) {
		log_err("PLUGIN_INIT: plugin %s expressed interest in unsupported "
			"plugin types: [want=0x%08x, have=0x%08x]", p->path, mask,
			(unsigned)PLUGIN_SUPPORTED);
		return -ENOTSUP;
	}
	log_info("PLUGIN_INIT: POST %s intercepted=0x%04x", p->path, mask);
	return 0;
}

/* The environment plugins are opened with: the config's setenv pairs
 * and verb. */
static char **open_env(const struct options *o)
{
	char **v = calloc(o->setenv.n + 2, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; v && i < o->setenv.n; i++)
		if (asprintf(&v[n], "%s=%s", o->setenv.v[i].name,
			     o->setenv.v[i].value) >= 0)
			n++;
	if (v && asprintf(&v[n], "verb=%d", o->verb) >= 0)
		n++;
	return v;
}

static void env_free(char **env)
{
	for (char **p = env; p && *p; p++)
		free(*p);
	free(env);
}

static int plugin_host_open(struct plugin_host *h, const struct options *o,
			    int point);

int plugin_host_load(struct plugin_host *h, const struct options *o)
{
	int ret = 0;

	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < o->n_plugins && i < PLUGIN_MAX && !ret; i++) {
		struct plugin *p = calloc(1, sizeof(*p));

		if (!p || !(p->argv = argv_copy(&o->plugins[i]))) {
			free(p);
			return -ENOMEM;
		}
		p->path = o->plugins[i].v[0];
		h->p[h->n++] = p;
		ret = plugin_dlopen(p);
	}
	return ret ? ret : plugin_host_open(h, o, OPENVPN_PLUGIN_INIT_POST_DAEMON);
}

int plugin_host_post_uid(struct plugin_host *h, const struct options *o)
{
	return plugin_host_open(h, o, OPENVPN_PLUGIN_INIT_POST_UID_CHANGE);
}

static int plugin_host_open(struct plugin_host *h, const struct options *o,
			    int point)
{
	char **envp = NULL;
	int ret = 0;

	for (unsigned i = 0; i < h->n && !ret; i++) {
		struct plugin *p = h->p[i];

		if (p->opened || p->init_point > point)
			continue;
		if (!envp)
			envp = open_env(o);
		ret = envp ? plugin_do_open(p, (const char *const *)envp) : -ENOMEM;
		if (!ret)
			plugin_global_ctx(h, i);
	}
	env_free(envp);
	return ret;
}

void plugin_host_close(struct plugin_host *h)
{
	plugin_client_free(h, &h->global);
	for (unsigned i = 0; i < h->n; i++) {
		struct plugin *p = h->p[i];

		if (p->opened)
			p->close(p->handle);
		plugin_free(p);
		h->p[i] = NULL;
	}
	h->n = 0;
}

void plugin_host_abort(struct plugin_host *h)
{
	for (unsigned i = 0; i < h->n; i++)
		if (h->p[i]->opened && h->p[i]->abort)
			h->p[i]->abort(h->p[i]->handle);
}

bool plugin_host_wants(const struct plugin_host *h, int type)
{
	for (unsigned i = 0; h && i < h->n; i++)
		if (h->p[i]->opened && (h->p[i]->mask & OPENVPN_PLUGIN_MASK(type)))
			return true;
	return false;
}

void plugin_client_init(const struct plugin_host *h, struct plugin_client *pc)
{
	memset(pc, 0, sizeof(*pc));
	for (unsigned i = 0; h && i < h->n; i++)
		if (h->p[i]->opened && h->p[i]->ctor)
			pc->ctx[i] = h->p[i]->ctor(h->p[i]->handle);
}

void plugin_client_free(const struct plugin_host *h, struct plugin_client *pc)
{
	for (unsigned i = 0; h && i < h->n; i++)
		if (pc->ctx[i] && h->p[i]->dtor)
			h->p[i]->dtor(h->p[i]->handle, pc->ctx[i]);
	memset(pc, 0, sizeof(*pc));
}

/* ---- calls --------------------------------------------------------------------- */

/* At verb 7, as OpenVPN's PLUGIN_CALL: PRE (the password never shown). */
static void plugin_show(const struct plugin *p, const struct plugin_call *call,
			const char **argv)
{
	if (log_get_level() < LOG_TRACE)
		return;
	log_msg(LOG_TRACE, "PLUGIN_CALL: PRE %s/%s", p->path,
		plugin_type_name(call->type));
	for (unsigned i = 0; argv[i]; i++)
		log_msg(LOG_TRACE, "ARGV[%u] = '%s'", i, argv[i]);
	for (const char *const *e = call->envp; e && *e; e++)
		if (strncmp(*e, "password=", 9))
			log_msg(LOG_TRACE, "ENVP: '%s'", *e);
}

static int plugin_call_one(const struct plugin *p, void *ctx,
			   const struct plugin_call *call, const char **argv)
{
	struct openvpn_plugin_string_list *rl = NULL;
	int st;

	argv[0] = p->path;
	plugin_show(p, call, argv);
	if (p->func3) {
		struct openvpn_plugin_args_func_in in = {
			.type = call->type,
			.argv = argv,
			.envp = (const char **)call->envp,
			.handle = p->handle,
			.per_client_context = ctx,
			.current_cert_depth = call->cert ? call->depth : -1,
			.current_cert = call->cert,
		};
		struct openvpn_plugin_args_func_return ret = { .return_list = &rl };

		st = p->func3(OPENVPN_PLUGINv3_STRUCTVER, &in, &ret);
	} else if (p->func2) {
		st = p->func2(p->handle, call->type, argv,
			      (const char **)call->envp, ctx, &rl);
	} else {
		st = p->func1(p->handle, call->type, argv,
			      (const char **)call->envp);
	}
	retlist_take(rl, "config", call->config);
	log_debug("PLUGIN_CALL: POST %s/%s status=%d", p->path,
		  plugin_type_name(call->type), st);
	if (st != OPENVPN_PLUGIN_FUNC_SUCCESS && st != OPENVPN_PLUGIN_FUNC_DEFERRED)
		log_warn("PLUGIN_CALL: plugin function %s failed with status %d: "
			 "%s", plugin_type_name(call->type), st, p->path);
	return st;
}

enum plugin_result plugin_host_call(const struct plugin_host *h,
				    const struct plugin_call *call)
{
	const char *argv[32] = { NULL };
	bool error = false, deferred = false;
	unsigned n = 1;

	for (const char *const *a = call->args; a && *a && n < 31; a++)
		argv[n++] = *a;
	for (unsigned i = 0; h && i < h->n; i++) {
		const struct plugin *p = h->p[i];
		int st;

		if (!p->opened || !(p->mask & OPENVPN_PLUGIN_MASK(call->type)))
			continue;
		st = plugin_call_one(p, call->pc ? call->pc->ctx[i] :
				     h->global.ctx[i], call, argv);
		if (st == OPENVPN_PLUGIN_FUNC_DEFERRED &&
		    call->type == OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY && deferred) {
			/* one auth_control_file is shared: a second deferring
			 * plugin would make the result untrustworthy */
			log_err("Only one authentication plug-in doing deferred "
				"auth is allowed: refusing");
			error = true;
		} else if (st == OPENVPN_PLUGIN_FUNC_DEFERRED) {
			deferred = true;
		} else if (st != OPENVPN_PLUGIN_FUNC_SUCCESS) {
			error = true;
		}
	}
	return error ? PLUGIN_ERROR : deferred ? PLUGIN_DEFERRED : PLUGIN_OK;
}
