/* tls-verify on the server, from the event loop. See server_tlsverify.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/x509.h>

#include "base/log.h"
#include "ctl/tls_username.h"
#include "daemon/scriptcert.h"
#include "daemon/scriptfile.h"
#include "daemon/server_int.h"
#include "daemon/server_tlsverify.h"

static X509 *chain_cert(const struct srv_client *c, int depth)
{
	const struct keystate *ks = c->sess.ks[0];
	STACK_OF(X509) *chain = ks && ks->tls ? tls_session_peer_chain(ks->tls) :
				NULL;

	return chain && depth < sk_X509_num(chain) ?
	       sk_X509_value(chain, depth) : NULL;
}

/* tls-export-cert: @x into a new file of the directory, named in @call. */
static int export_cert(struct srv_client *c, X509 *x, struct scriptenv *call)
{
	c->tv.cert_file = scriptcert_export(c->srv->o->tls_export_cert, x);
	if (!c->tv.cert_file)
		return -EIO;
	scriptenv_set(call, "peer_cert", "%s", c->tv.cert_file);
	return 0;
}

static void tv_ran(void *ctx, int result);

/* The run for c->tv.depth; past depth 0, the verdict. */
static void tv_next(struct srv_client *c)
{
	char depth[16], subject[SCRIPTCERT_SUBJECT_MAX];
	const char *extra[] = { depth, subject, NULL };
	X509 *x = chain_cert(c, c->tv.depth);
	struct scriptenv call;
	int ret = 0;

	if (c->tv.depth < 0) {
		c->tv.done(c, 0);
		return;
	}
	snprintf(depth, sizeof(depth), "%d", c->tv.depth);
	if (x)
		tls_cert_subject(x, subject, sizeof(subject));
	scriptenv_init(&call);
	if (!x)
		ret = -ENOENT;
	if (!ret && c->srv->o->tls_export_cert)
		ret = export_cert(c, x, &call);
	if (!ret)
		ret = server_script_start(c, SCRIPT_TLS_VERIFY, c->srv->o->tls_verify,
					  extra, &call, tv_ran, &c->tv.job);
	scriptenv_free(&call);
	if (ret) {
		scriptfile_drop(&c->tv.cert_file);
		c->tv.done(c, -EPERM);
	}
}

static void tv_ran(void *ctx, int result)
{
	struct srv_client *c = ctx;
	char subject[SCRIPTCERT_SUBJECT_MAX] = "";
	X509 *x = chain_cert(c, c->tv.depth);

	server_client_wake(c);
	c->tv.job = NULL;
	scriptfile_drop(&c->tv.cert_file);
	if (x)
		tls_cert_subject(x, subject, sizeof(subject));
	if (result) {
		log_info("%s VERIFY SCRIPT ERROR: depth=%d, %s", c->prefix,
			 c->tv.depth, subject);
		c->tv.done(c, -EPERM);
		return;
	}
	log_info("%s VERIFY SCRIPT OK: depth=%d, %s", c->prefix, c->tv.depth,
		 subject);
	c->tv.depth--;
	tv_next(c);
}

int server_tlsverify(struct srv_client *c, server_tlsverify_done done)
{
	const struct keystate *ks = c->sess.ks[0];
	STACK_OF(X509) *chain = ks && ks->tls ? tls_session_peer_chain(ks->tls) :
				NULL;

	if (!c->srv->o->tls_verify)
		return 1;
	if (!chain || !sk_X509_num(chain))
		return -EPERM;
	c->tv.done = done;
	c->tv.depth = sk_X509_num(chain) - 1;
	tv_next(c);
	return 0;
}

void server_tlsverify_free(struct srv_client *c)
{
	if (c->tv.job)
		scriptrun_detach(&c->srv->scripts.run, c->tv.job);
	c->tv.job = NULL;
	scriptfile_drop(&c->tv.cert_file);
}
