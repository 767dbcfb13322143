/* persist-remote-ip, persist-local-ip: addresses kept across restarts. */
#include "daemon/client_persist.h"

#include <stdio.h>
#include <string.h>

#include "daemon/client_conn.h"
#include "daemon/localbind.h"
#include "daemon/proxy.h"

/* Only a SIGUSR1-class restart keeps anything (OpenVPN: SIGUSR1). */
static bool soft_restart(enum conn_end end)
{
	return end == END_RESTART || end == END_NEXT || end == END_POLL;
}

/* A proxy (or SOCKS relay) is what c->remote holds then, not the peer. */
static bool direct(const struct conn *c)
{
	return !proxy_of(c->o) && !c->o->socks_proxy.host;
}

void client_persist_end(struct client_persist *p, const struct conn *c,
			int end)
{
	bool keep = soft_restart((enum conn_end)end);

	p->have_local = keep && c->o->persist_local_ip && c->local_len;
	if (p->have_local) {
		memcpy(&p->local, &c->local, sizeof(p->local));
		p->local_len = c->local_len;
	}
	p->have_remote = keep && c->o->persist_remote_ip && direct(c) &&
			 !c->remote_open && c->remote_len && c->ep.host;
	if (!p->have_remote)
		return;
	memcpy(&p->remote, &c->remote, sizeof(p->remote));
	p->remote_len = c->remote_len;
	snprintf(p->host, sizeof(p->host), "%s", c->ep.host);
	snprintf(p->port, sizeof(p->port), "%s", c->ep.port ? c->ep.port : "");
}

bool client_persist_remote(const struct client_persist *p, struct conn *c)
{
	if (!p || !p->have_remote || !c->o->persist_remote_ip || !direct(c) ||
	    !c->ep.host || strcmp(p->host, c->ep.host) ||
	    strcmp(p->port, c->ep.port ? c->ep.port : ""))
		return false;
	memcpy(&c->remote, &p->remote, sizeof(c->remote));
	c->remote_len = p->remote_len;
	return true;
}

int client_persist_local(struct conn *c, int family, bool tcp,
			 struct sockaddr_storage *out, socklen_t *len)
{
	const struct client_persist *p = c->persist;
	int ret;

	if (p && p->have_local && c->o->persist_local_ip && c->o->local) {
		memcpy(out, &p->local, sizeof(*out));
		*len = p->local_len;
		ret = 1;
	} else {
		ret = localbind_get(c->o, family, tcp, out, len);
	}
	if (ret == 1 && c->o->local) {
		memcpy(&c->local, out, sizeof(c->local));
		c->local_len = *len;
	}
	return ret;
}
