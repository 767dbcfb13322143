/*
 * --local as OpenVPN 2.7 reads it: "local host|* [port] [proto]", any
 * number of lines in a server (one listening socket each), one on a
 * client. The 2.6 form "local host" is the one-line case.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/optable.h"

#define UNUSED_ARGS (void)d, (void)argc

/* local host|* [port] [proto]: appended, opened in order. */
int h_local(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	    unsigned int argc)
{
	struct options *o = c->o;
	struct opt_local l = { 0 };
	struct opt_local *slot;

	UNUSED_ARGS;
	if (o->n_locals >= OPT_MAX_LOCALS)
		return opt_fail(c, "too many --local entries (%d max)",
				OPT_MAX_LOCALS);
	/* port 0 asks for any port, as --lport 0 with an address */
	if (argc > 2 && optval_port(c, argv[2], true))
		return -EINVAL;
	if (argc > 3 && optval_transport(c, argv[3], &l.tr))
		return -EINVAL;
	/* '*': whatever the system binds to (no address) */
	l.host = strcmp(argv[1], "*") ? strdup(argv[1]) : NULL;
	l.port = argc > 2 ? strdup(argv[2]) : NULL;
	if ((strcmp(argv[1], "*") && !l.host) || (argc > 2 && !l.port))
		goto err_nomem;
	/* the first line is also the client's bind address */
	if (!o->n_locals && l.host && opt_strset(&o->local, l.host))
		goto err_nomem;
	slot = opt_grow(&o->locals, &o->n_locals, sizeof(*slot));
	if (!slot)
		goto err_nomem;
	*slot = l;
	return 0;

err_nomem:
	free(l.host);
	free(l.port);
	return -ENOMEM;
}

void options_locals_free(struct options *o)
{
	for (size_t i = 0; i < o->n_locals; i++) {
		free(o->locals[i].host);
		free(o->locals[i].port);
	}
	free(o->locals);
	o->locals = NULL;
	o->n_locals = 0;
}

int options_local(const struct options *o, size_t i, struct opt_endpoint *out)
{
	const struct opt_transport *tr = &o->proto;
	const struct opt_local *l;

	/* no --local line: one socket from --proto and --port/--lport */
	if (!o->n_locals && i == 0) {
		*out = (struct opt_endpoint){ .host = NULL, .port = o->lport };
	} else if (i < o->n_locals) {
		l = &o->locals[i];
		if (l->tr.proto != OPT_PROTO_NONE)
			tr = &l->tr;
		*out = (struct opt_endpoint){ .host = l->host,
					      .port = l->port ? l->port : o->lport };
	} else {
		return -ENOENT;
	}
	if (!out->port)
		out->port = OPT_DEFAULT_PORT;
	out->proto = tr->proto != OPT_PROTO_NONE ? tr->proto : OPT_PROTO_UDP;
	out->family = tr->family;
	return 0;
}
