/*
 * The plugin host: OpenVPN's plugin ABI (openvpn-plugin.h, structure
 * version 3, with the v1/v2 entry points of older plugins), so the
 * plugins built for OpenVPN 2.6 (auth-pam, down-root, auth-ldap,
 * radiusplugin, ...) load and work unchanged.
 *
 * As OpenVPN's plugin.c: each `plugin` line is dlopen()ed in order (a
 * bare file name from OpenVPN's plugin directory), opened at the
 * initialization point it asks for (default: before the daemon starts,
 * as root; POST_UID_CHANGE ones after --user/--group), called in line
 * order for the events it registered, and closed in line order. An event
 * succeeds when every plugin returns SUCCESS; one DEFERRED (auth only) is
 * allowed, its result then comes through the auth_control_file.
 *
 * Plugins run on the control thread (the event loop); they are not
 * thread-safe, so nothing else calls them. The data path runs on the
 * engine's own threads and never waits for them.
 */
#ifndef DCOVPN_DAEMON_PLUGIN_H
#define DCOVPN_DAEMON_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/options.h"

#define PLUGIN_MAX 16

/* The results (openvpn-plugin.h's OPENVPN_PLUGIN_FUNC_*). */
enum plugin_result { PLUGIN_OK = 0, PLUGIN_ERROR = 1, PLUGIN_DEFERRED = 2 };

struct plugin;

/* One client's per-plugin contexts (client_constructor_v1). */
struct plugin_client {
	void *ctx[PLUGIN_MAX];
};

struct plugin_host {
	unsigned n;
	struct plugin *p[PLUGIN_MAX];
	/* the instance's own contexts, as OpenVPN makes for its top-level
	 * plugin list: handed to calls outside a client (UP, DOWN, ...) */
	struct plugin_client global;
};

/*
 * Load every `plugin` line of @o and open those that want to be opened
 * before the privileges go (all but POST_UID_CHANGE ones). They are
 * opened with @o's setenv pairs as environment. 0, or -errno with a
 * message logged (a plugin that cannot load or open stops start-up, as
 * in OpenVPN); plugin_host_close is needed either way.
 */
int plugin_host_load(struct plugin_host *h, const struct options *o);
/* --user/--group took effect: open the plugins that asked to wait for it
 * (OPENVPN_PLUGIN_INIT_POST_UID_CHANGE). */
int plugin_host_post_uid(struct plugin_host *h, const struct options *o);
/* close_v1 each plugin in order, dlclose; @h may be empty. */
void plugin_host_close(struct plugin_host *h);
/* A fatal error: abort_v1 each plugin that has it (then close). */
void plugin_host_abort(struct plugin_host *h);

/* Does some plugin want @type (OPENVPN_PLUGIN_*)? */
bool plugin_host_wants(const struct plugin_host *h, int type);

/*
 * Call @type on every plugin that registered it, in order, with @args
 * (appended after the plugin's path as argv[1..], NULL-terminated, may be
 * NULL) and @envp. @pc: the client's contexts, or NULL outside one
 * (then the host's own, h->global).
 * @cert/@depth: TLS_VERIFY's certificate (X509 *), else NULL/-1.
 * @config: if not NULL, a CLIENT_CONNECT_V2 "config" return (malloc'd)
 * is stored there.
 */
struct plugin_call {
	int type;
	const char *const *args;
	const char *const *envp;
	struct plugin_client *pc;
	void *cert;
	int depth;
	char **config;
};
enum plugin_result plugin_host_call(const struct plugin_host *h,
				    const struct plugin_call *call);

void plugin_client_init(const struct plugin_host *h, struct plugin_client *pc);
void plugin_client_free(const struct plugin_host *h, struct plugin_client *pc);

/* OPENVPN_PLUGIN_* name ("PLUGIN_AUTH_USER_PASS_VERIFY") for messages. */
const char *plugin_type_name(int type);

#endif
