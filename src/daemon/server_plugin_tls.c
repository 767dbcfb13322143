/*
 * A server's TLS_VERIFY and TLS_FINAL plugin calls, on the plugin thread
 * like every other client call: the event loop hands the call over and
 * goes on; the answer comes back through the thread's eventfd. Waiting on
 * the loop instead would hold every client up whenever the thread is busy
 * with another client's slow call (auth-ldap on an LDAP server that does
 * not answer).
 *
 * TLS_VERIFY goes one certificate at a time, the CA's first, and stops at
 * the first refusal, as OpenVPN calls it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>
#include <openvpn/openvpn-plugin.h>

#include "base/log.h"
#include "ctl/tls_username.h"
#include "daemon/scriptcert.h"
#include "daemon/server_int.h"

/* The client a result is for, or NULL if it is gone or asked again. */
static struct srv_client *step_client(void *ctx, uint64_t tag)
{
	struct srv_client *c = server_client(ctx, (uint32_t)(tag >> 32));

	if (!c || c->dead || c->kill_at_ms || !c->ptls.done ||
	    c->ptls.serial != (uint32_t)tag)
		return NULL;
	server_client_wake(c);
	return c;
}

static uint64_t step_tag(struct srv_client *c)
{
	c->ptls.serial = ++c->srv->auth_serial;
	return (uint64_t)c->peer_id << 32 | c->ptls.serial;
}

/* The step is over: its continuation, once. */
static void step_end(struct srv_client *c, int ret)
{
	server_plugin_tls_fn done = c->ptls.done;

	c->ptls.done = NULL;
	done(c, ret);
}

/* ---- TLS_VERIFY ------------------------------------------------------------------ */

static void verify_done(void *ctx, uint64_t tag, enum plugin_result r,
			char *config);

/* The client's certificate at @depth (0: its own), or NULL. */
static X509 *chain_cert(const struct srv_client *c, int depth)
{
	const struct keystate *ks = c->sess.ks[0];
	STACK_OF(X509) *chain = ks && ks->tls ? tls_session_peer_chain(ks->tls) :
				NULL;

	return chain && depth >= 0 && depth < sk_X509_num(chain) ?
	       sk_X509_value(chain, depth) : NULL;
}

/* TLS_VERIFY for the certificate at c->ptls.depth: 0 submitted, or -errno. */
static int verify_submit(struct srv_client *c)
{
	X509 *x = chain_cert(c, c->ptls.depth);
	int d = c->ptls.depth, ret;
	char depth[16], subject[SCRIPTCERT_SUBJECT_MAX];
	char **env, **e, **w;

	if (!x)
		return -EPERM;	/* the session is not the one verified */
	snprintf(depth, sizeof(depth), "%d", d);
	tls_cert_subject(x, subject, sizeof(subject));
	env = server_script_env(c, "tls-verify", NULL);
	if (!env)
		return -ENOMEM;
	/* above the client's own certificate OpenVPN has no common_name yet */
	for (e = w = env; d && *e; e++)
		if (strncmp(*e, "common_name=", 12))
			*w++ = *e;
		else
			free(*e);
	if (d)
		*w = NULL;
	ret = plugin_worker_submit(&c->srv->pw, &(struct plugin_call){
		.type = OPENVPN_PLUGIN_TLS_VERIFY,
		.args = (const char *const[]){ depth, subject, NULL },
		.envp = (const char *const *)env, .pc = c->plugin, .cert = x,
		.depth = d }, verify_done, c->srv, step_tag(c));
	server_script_env_free(env);
	return ret;
}

static void verify_done(void *ctx, uint64_t tag, enum plugin_result r,
			char *config)
{
	struct srv_client *c = step_client(ctx, tag);
	int ret;

	free(config);
	if (!c)
		return;
	if (r != PLUGIN_OK) {
		char subject[SCRIPTCERT_SUBJECT_MAX] = "";
		X509 *x = chain_cert(c, c->ptls.depth);

		if (x)
			tls_cert_subject(x, subject, sizeof(subject));
		log_err("%s VERIFY PLUGIN ERROR: depth=%d, %s", c->prefix,
			c->ptls.depth, subject);
		step_end(c, -EPERM);
		return;
	}
	if (c->ptls.depth-- == 0) {
		step_end(c, 0);
		return;
	}
	ret = verify_submit(c);
	if (ret)
		step_end(c, ret);
}

int server_plugin_tls_verify(struct srv_client *c, server_plugin_tls_fn done)
{
	const struct keystate *ks = c->sess.ks[0];
	STACK_OF(X509) *chain = ks && ks->tls ? tls_session_peer_chain(ks->tls) :
				NULL;
	int ret;

	if (!plugin_host_wants(&c->srv->plugins, OPENVPN_PLUGIN_TLS_VERIFY) ||
	    !chain || !sk_X509_num(chain))
		return 0;
	c->ptls.depth = sk_X509_num(chain) - 1;	/* the CA's first */
	c->ptls.done = done;
	ret = verify_submit(c);
	if (ret) {
		c->ptls.done = NULL;
		return ret;
	}
	return -EINPROGRESS;
}

/* ---- TLS_FINAL -------------------------------------------------------------------- */

static void final_done(void *ctx, uint64_t tag, enum plugin_result r,
		       char *config)
{
	struct srv_client *c = step_client(ctx, tag);

	free(config);
	if (!c)
		return;
	if (r != PLUGIN_OK)
		log_err("%s TLS Error: TLS_FINAL plugin call failed, client "
			"refused", c->prefix);
	step_end(c, r == PLUGIN_OK ? 0 : -EACCES);
}

int server_plugin_tls_final(struct srv_client *c, server_plugin_tls_fn done)
{
	char **env;
	int ret;

	if (c->auth.final_done ||
	    !plugin_host_wants(&c->srv->plugins, OPENVPN_PLUGIN_TLS_FINAL))
		return 0;
	c->auth.final_done = true;
	env = server_script_env(c, "user-pass-verify", NULL);
	if (!env)
		return -ENOMEM;
	c->ptls.done = done;
	ret = plugin_worker_submit(&c->srv->pw, &(struct plugin_call){
		.type = OPENVPN_PLUGIN_TLS_FINAL, .envp = (const char *const *)env,
		.pc = c->plugin, .depth = -1 }, final_done, c->srv, step_tag(c));
	server_script_env_free(env);
	if (ret) {
		c->ptls.done = NULL;
		return ret;
	}
	return -EINPROGRESS;
}
