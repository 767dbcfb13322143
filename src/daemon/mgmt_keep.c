/* The management interface across a restart (mgmt.h mgmt_keep /
 * mgmt_reopen): taken out of the ending instance's loop whole and put
 * into the next one's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "base/log.h"
#include "daemon/keep.h"
#include "daemon/mgmt_int.h"

/* What the interface is for: kept only if the next configuration names
 * the same address. */
static void mgmt_keep_key(const struct options *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s %s", o->mgmt_addr,
		 o->mgmt_unix ? "unix" : o->mgmt_port ? o->mgmt_port : "",
		 o->mgmt_client ? "client" : "");
}

/* Out of its loop: nothing runs it until mgmt_adopt. */
static void mgmt_detach(struct mgmt *m)
{
	mgmt_unwatch(m);
	m->held = false;
}

/* Into loop @l, watched as it was: the manager's connection (with what
 * it still has to read), else the listening socket, or the connect in
 * progress. 0 or -errno. */
static int mgmt_adopt(struct mgmt *m, struct loop *l,
		      const struct mgmt_ops *ops, void *ctx)
{
	int err = 0;

	m->loop = l;
	m->ops = ops;
	m->ctx = ctx;
	if (m->cfd >= 0)
		err = loop_add(l, m->cfd, m->cev, mgmt_io, m);
	else if (m->lfd >= 0 && !m->outbound)
		err = loop_add(l, m->lfd, EPOLLIN, mgmt_accept, m);
	if (!err && m->ofd >= 0)
		err = loop_add(l, m->ofd, EPOLLOUT, mgmt_connected, m);
	return err;
}

void mgmt_keep(struct mgmt *m, struct keep *k, const struct options *o)
{
	char key[600];

	if (!m)
		return;
	mgmt_keep_key(o, key, sizeof(key));
	mgmt_detach(m);
	keep_put_mgmt(k, key, m);
}

struct mgmt *mgmt_reopen(struct keep *k, const struct options *o,
			 struct loop *l, const struct mgmt_ops *ops, void *ctx,
			 bool *kept)
{
	char key[600];
	struct mgmt *m = NULL;

	*kept = false;
	if (o->mgmt_addr) {
		mgmt_keep_key(o, key, sizeof(key));
		m = keep_take_mgmt(k, key);
	} else {
		mgmt_close(keep_take_mgmt(k, NULL));	/* none now */
	}
	if (!m)
		return mgmt_open(o, l, ops, ctx);
	if (mgmt_adopt(m, l, ops, ctx)) {
		log_err("MANAGEMENT: cannot keep the interface across the restart");
		mgmt_close(m);
		return NULL;
	}
	*kept = true;
	return m;
}
