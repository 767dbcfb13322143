/* A client's TLS_VERIFY and TLS_FINAL plugin events. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>
#include <openvpn/openvpn-plugin.h>

#include "base/log.h"
#include "ctl/tls.h"
#include "ctl/tls_username.h"
#include "daemon/client_plugin.h"
#include "daemon/scriptcert.h"
#include "daemon/scriptenv.h"

static int verify_one(const struct plugin_host *h, STACK_OF(X509) *chain,
		      int d, char **env)
{
	char depth[16], subject[SCRIPTCERT_SUBJECT_MAX];
	X509 *x = sk_X509_value(chain, d);

	snprintf(depth, sizeof(depth), "%d", d);
	tls_cert_subject(x, subject, sizeof(subject));
	if (plugin_host_call(h, &(struct plugin_call){
		.type = OPENVPN_PLUGIN_TLS_VERIFY,
		.args = (const char *const[]){ depth, subject, NULL },
		.envp = (const char *const *)env, .cert = x, .depth = d }) ==
	    PLUGIN_OK)
		return 0;
	log_err("VERIFY PLUGIN ERROR: depth=%d, %s", d, subject);
	return -EPERM;
}

/* TLS_VERIFY for each certificate, the CA's first; above depth 0 the
 * environment has no common_name yet, as OpenVPN's. */
static int verify_chain(const struct plugin_host *h, STACK_OF(X509) *chain,
			struct scriptenv *e, struct scriptenv *ca)
{
	int ret = 0;

	for (int d = chain ? sk_X509_num(chain) - 1 : -1; d >= 0 && !ret; d--)
		ret = verify_one(h, chain, d, scriptenv_vec(d ? ca : e));
	return ret;
}

int client_plugin_tls(struct client_script *cs,
		      const struct client_script_call *call)
{
	const struct plugin_host *h = call->plugins;
	struct scriptenv e, ca;
	int ret = 0;

	if (!plugin_host_wants(h, OPENVPN_PLUGIN_TLS_VERIFY) &&
	    !plugin_host_wants(h, OPENVPN_PLUGIN_TLS_FINAL))
		return 0;
	if (client_script_env(cs, call, &e))
		return -ENOMEM;
	if (client_script_env(cs, call, &ca)) {
		scriptenv_free(&e);
		return -ENOMEM;
	}
	scriptenv_drop_prefix(&e, "script_type=");
	scriptenv_drop_prefix(&ca, "script_type=");
	scriptenv_drop_prefix(&ca, "common_name=");
	if (plugin_host_wants(h, OPENVPN_PLUGIN_TLS_VERIFY))
		ret = verify_chain(h, call->tls ? tls_session_peer_chain(call->tls) :
				   NULL, &e, &ca);
	if (!ret && plugin_host_call(h, &(struct plugin_call){
		.type = OPENVPN_PLUGIN_TLS_FINAL,
		.envp = (const char *const *)scriptenv_vec(&e), .depth = -1 }) !=
	    PLUGIN_OK) {
		log_err("TLS Error: TLS_FINAL plugin call failed");
		ret = -EPERM;
	}
	scriptenv_free(&ca);
	scriptenv_free(&e);
	return ret;
}
