/*
 * A reload's route and route-ipv6 lines (server_reload.h): the server's
 * own routes into the tun follow without a restart. New ones are added
 * first (one already there is left as it is), then the ones no longer
 * listed are taken away, so a route in both never leaves the table.
 */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "daemon/netcfg.h"
#include "daemon/server_int.h"

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool route4_in(const struct opt_route *r, const struct options *o)
{
	for (size_t i = 0; i < o->n_routes; i++) {
		const struct opt_route *x = &o->routes[i];

		if (str_same(r->network, x->network) &&
		    str_same(r->netmask, x->netmask) &&
		    str_same(r->gateway, x->gateway) && r->metric == x->metric)
			return true;
	}
	return false;
}

static bool route6_in(const struct opt_route6 *r, const struct options *o)
{
	for (size_t i = 0; i < o->n_routes6; i++) {
		const struct opt_route6 *x = &o->routes6[i];

		if (str_same(r->network, x->network) &&
		    str_same(r->gateway, x->gateway) && r->metric == x->metric)
			return true;
	}
	return false;
}

/* The routes of @old that @new lacks, as options netcfg_routes_del takes
 * (arrays of copies pointing into @old; freed by the caller). */
static int routes_gone(const struct options *old, const struct options *new,
		       struct options *gone)
{
	gone->route_table = new->route_table;
	gone->routes = calloc(old->n_routes + 1, sizeof(*gone->routes));
	gone->routes6 = calloc(old->n_routes6 + 1, sizeof(*gone->routes6));
	if (!gone->routes || !gone->routes6)
		return -1;
	for (size_t i = 0; i < old->n_routes; i++)
		if (!route4_in(&old->routes[i], new))
			gone->routes[gone->n_routes++] = old->routes[i];
	for (size_t i = 0; i < old->n_routes6; i++)
		if (!route6_in(&old->routes6[i], new))
			gone->routes6[gone->n_routes6++] = old->routes6[i];
	return 0;
}

void server_reload_routes(struct server *s, const struct options *old)
{
	int idx = dco_ifindex(s->dco);
	struct options gone;

	if (s->o->route_noexec)
		return;
	memset(&gone, 0, sizeof(gone));
	server_routes_up(s);	/* s->o is the new configuration */
	if (routes_gone(old, s->o, &gone))
		log_warn("SIGHUP: no memory to take the old routes away");
	else {
		netcfg_routes_del(&gone, idx, false);
		netcfg_routes_del(&gone, idx, true);
	}
	/* the arrays only: their strings are @old's */
	free(gone.routes);
	free(gone.routes6);
}
