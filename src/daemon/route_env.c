/* OpenVPN's route_* script variables from the options. */
#include "daemon/route_env.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/routeget.h"

/* The default gateway of --route: route-gateway, else the far end of a
 * net30/p2p tun (OpenVPN's vpn_gateway). false: none known. */
static bool vpn_gateway(const struct options *o, struct in_addr *out)
{
	if (o->route_gateway)
		return inet_pton(AF_INET, o->route_gateway, out) == 1;
	if (o->ifconfig_set && o->topology != OPT_TOPO_SUBNET) {
		*out = o->ifconfig_remote;
		return true;
	}
	return false;
}

/* OpenVPN's special words, or a numeric address. */
static bool resolve4(const struct options *o,
		     const struct sockaddr_storage *server, const char *s,
		     struct in_addr *out)
{
	struct routeget_result rg;

	if (!strcmp(s, "vpn_gateway"))
		return vpn_gateway(o, out);
	if (!strcmp(s, "remote_host") || !strcmp(s, "net_gateway")) {
		if (!server || server->ss_family != AF_INET)
			return false;
		*out = ((const struct sockaddr_in *)server)->sin_addr;
		if (!strcmp(s, "remote_host"))
			return true;
		if (routeget4(*out, &rg) || !rg.has_gw)
			return false;
		*out = rg.gw;
		return true;
	}
	return inet_pton(AF_INET, s, out) == 1;
}

static void put(route_env_fn add, void *ctx, const char *fmt, size_t n,
		const char *value)
{
	char name[48];

	snprintf(name, sizeof(name), fmt, n);
	add(ctx, name, value);
}

static bool route4(const struct options *o, const struct opt_route *r,
		   const struct sockaddr_storage *server, size_t n,
		   route_env_fn add, void *ctx)
{
	struct in_addr net, mask = { .s_addr = 0xffffffffu }, gw;
	char a[INET_ADDRSTRLEN], metric[16];
	int m = r->metric >= 0 ? r->metric : o->route_metric;

	if (!resolve4(o, server, r->network, &net) ||
	    (r->netmask && strcmp(r->netmask, "default") &&
	     inet_pton(AF_INET, r->netmask, &mask) != 1))
		return false;
	if (r->gateway && strcmp(r->gateway, "default") ?
	    !resolve4(o, server, r->gateway, &gw) : !vpn_gateway(o, &gw))
		return false;
	put(add, ctx, "route_network_%zu", n, inet_ntop(AF_INET, &net, a,
							 sizeof(a)));
	put(add, ctx, "route_netmask_%zu", n, inet_ntop(AF_INET, &mask, a,
							 sizeof(a)));
	put(add, ctx, "route_gateway_%zu", n, inet_ntop(AF_INET, &gw, a,
							 sizeof(a)));
	if (m >= 0) {
		snprintf(metric, sizeof(metric), "%d", m);
		put(add, ctx, "route_metric_%zu", n, metric);
	}
	return true;
}

static bool route6(const struct options *o, const char *network,
		   const char *gateway, int metric, size_t n, route_env_fn add,
		   void *ctx)
{
	char buf[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN], num[16];
	struct in6_addr net, gw = IN6ADDR_ANY_INIT;
	char *slash, *end;
	long bits = 128;
	int m = metric >= 0 ? metric : o->route_metric;

	snprintf(buf, sizeof(buf), "%s", network);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || bits < 0 || bits > 128)
			return false;
	}
	if (inet_pton(AF_INET6, buf, &net) != 1)
		return false;
	if (gateway && inet_pton(AF_INET6, gateway, &gw) != 1)
		return false;
	if (!gateway && o->ifconfig6_set)
		gw = o->ifconfig6_remote;
	snprintf(buf, sizeof(buf), "%s/%ld",
		 inet_ntop(AF_INET6, &net, a, sizeof(a)), bits);
	put(add, ctx, "route_ipv6_network_%zu", n, buf);
	put(add, ctx, "route_ipv6_gateway_%zu", n,
	    inet_ntop(AF_INET6, &gw, a, sizeof(a)));
	if (m >= 0) {
		snprintf(num, sizeof(num), "%d", m);
		put(add, ctx, "route_ipv6_metric_%zu", n, num);
	}
	return true;
}

void route_env(const struct options *o, const struct sockaddr_storage *server,
	       route_env_fn add, void *ctx)
{
	/* redirect-gateway ipv6: OpenVPN appends these to the IPv6 routes */
	static const char *const redirect6[] = { "::/3", "2000::/4", "3000::/4",
						 "fc00::/7" };
	size_t n = 1;

	for (size_t i = 0; i < o->n_routes; i++)
		n += route4(o, &o->routes[i], server, n, add, ctx);
	n = 1;
	for (size_t i = 0; i < o->n_routes6; i++)
		n += route6(o, o->routes6[i].network, o->routes6[i].gateway,
			    o->routes6[i].metric, n, add, ctx);
	if (!(o->redirect_gateway & OPT_REDIR_IPV6))
		return;
	for (size_t i = 0; i < sizeof(redirect6) / sizeof(redirect6[0]); i++)
		n += route6(o, redirect6[i], NULL, -1, n, add, ctx);
}
