/*
 * learn-address for a client's iroutes, as OpenVPN's multi_add_iroutes
 * learns them: after the client's own addresses, each installed iroute is
 * announced "add NET/BITS CN" to the plugins and the script (and, to a
 * manager doing client-auth, ">CLIENT:ADDRESS,CID,NET/BITS,0"); when the
 * client goes, "delete NET/BITS" for those still held (one that
 * stale-routes-check removed was deleted then).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/mgmt.h"
#include "daemon/server_int.h"
#include "daemon/server_script.h"

/* As OpenVPN prints an iroute (mroute_addr_print with its netbits). */
static void iroute_text(const struct dco_route *r, char *buf, size_t len)
{
	size_t n;

	inet_ntop(r->family, r->addr, buf, (socklen_t)len);
	n = strlen(buf);
	snprintf(buf + n, len - n, "/%u", r->prefix_len);
}

void server_learn_iroute_installed(struct srv_client *c,
				   const struct opt_iroute *r)
{
	struct server_iroute *v;

	v = realloc(c->iroutes, (c->n_iroutes + 1) * sizeof(*v));
	if (!v) {
		log_warn("%s iroute: no memory to remember it for "
			 "learn-address", c->prefix);
		return;
	}
	c->iroutes = v;
	v += c->n_iroutes++;
	memset(v, 0, sizeof(*v));
	v->r.peer_id = c->peer_id;
	v->r.family = r->family;
	v->r.prefix_len = r->bits;
	memcpy(v->r.addr, &r->addr, r->family == AF_INET ? 4 : 16);
}

void server_learn_iroutes(struct srv_client *c, const char *op)
{
	bool del = !strcmp(op, "delete");
	char a[INET6_ADDRSTRLEN + 8];

	for (size_t i = 0; i < c->n_iroutes; i++) {
		if (c->iroutes[i].gone)
			continue;
		iroute_text(&c->iroutes[i].r, a, sizeof(a));
		server_plugin_learn_addr(c, op, a);
		if (del)
			server_script_learn_delete(c, a);
		else
			server_script_learn_addr(c, a);
	}
}

void server_learn_iroutes_mgmt(struct srv_client *c)
{
	char a[INET6_ADDRSTRLEN + 8];

	for (size_t i = 0; i < c->n_iroutes; i++) {
		iroute_text(&c->iroutes[i].r, a, sizeof(a));
		mgmt_notify(c->srv->mgmt, ">CLIENT:ADDRESS,%u,%s,0", c->client_id,
			    a);
	}
}

bool server_learn_iroute_gone(struct srv_client *c, const struct dco_route *r)
{
	for (size_t i = 0; i < c->n_iroutes; i++) {
		struct server_iroute *v = &c->iroutes[i];

		if (!v->gone && v->r.family == r->family &&
		    v->r.prefix_len == r->prefix_len &&
		    !memcmp(v->r.addr, r->addr, r->family == AF_INET ? 4 : 16)) {
			v->gone = true;
			return true;
		}
	}
	return false;
}

void server_learn_free(struct srv_client *c)
{
	free(c->iroutes);
	c->iroutes = NULL;
	c->n_iroutes = 0;
}
