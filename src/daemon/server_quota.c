/*
 * --max-routes-per-client: how many internal routes one client may hold.
 * OpenVPN counts each address it learns for the client (its VPN addresses
 * first, then its iroutes) and refuses those beyond the quota with two
 * verb-3 lines; dcovpn does the same as it installs the iroutes in its
 * engine, so a ccd file cannot make the route table grow without bound.
 * OpenVPN keeps iroutes in lists it prepends to: it learns the IPv4 ones
 * last line first, then the IPv6 ones likewise, and so the quota keeps
 * the last lines of a file. That order is mirrored here.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "daemon/server_int.h"

static void refuse(const struct srv_client *c, const struct opt_iroute *r)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(r->family, &r->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	log_info("%s MULTI ROUTE: route quota (%d) exceeded for %s (see "
		 "--max-routes-per-client option)", c->prefix,
		 c->srv->so->max_routes, c->prefix);
	log_info("%s MULTI: Learn FAILED: %s/%u -> %s", c->prefix, a,
		 r->bits, c->prefix);
}

/* The @family iroutes, last first; *@used counts the routes held. */
static void install(struct srv_client *c, const struct opt_server *cs,
		    int family, unsigned *used)
{
	unsigned max = (unsigned)c->srv->so->max_routes;
	int ret;

	for (size_t i = cs->n_iroutes; i-- > 0;) {
		const struct opt_iroute *r = &cs->iroutes[i];

		if (r->family != family)
			continue;
		if (*used >= max) {
			refuse(c, r);
			continue;
		}
		(*used)++;
		ret = dco_add_route(c->srv->dco, c->peer_id, r->family,
				    &r->addr, r->bits);
		if (ret)
			log_warn("%s iroute: %s", c->prefix, strerror(-ret));
		else
			server_learn_iroute_installed(c, r);
	}
}

void server_quota_iroutes(struct srv_client *c, const struct opt_server *cs)
{
	/* the client's own VPN addresses are learned first */
	unsigned used = (c->has4 ? 1u : 0u) + (c->has6 ? 1u : 0u);

	if (!cs)
		return;
	install(c, cs, AF_INET, &used);
	install(c, cs, AF_INET6, &used);
}
