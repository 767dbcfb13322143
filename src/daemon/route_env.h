/*
 * The routes as OpenVPN 2.6 hands them to scripts (route.c setenv_routes,
 * set before the up script runs): for the Nth --route / pushed route
 *   route_network_N, route_netmask_N, route_gateway_N [, route_metric_N]
 * and for the Nth IPv6 route
 *   route_ipv6_network_N ("addr/bits"), route_ipv6_gateway_N
 *   [, route_ipv6_metric_N]
 * A route whose addresses cannot be resolved is left out and does not
 * take a number (OpenVPN numbers only the routes it could build).
 * NetworkManager's up helper builds the tunnel's routes from these when
 * it runs openvpn with --route-noexec.
 */
#ifndef DCOVPN_DAEMON_ROUTE_ENV_H
#define DCOVPN_DAEMON_ROUTE_ENV_H

#include <sys/socket.h>

#include "conf/options.h"

typedef void (*route_env_fn)(void *ctx, const char *name, const char *value);

/* Call @add for each variable. @server: the remote (for remote_host). */
void route_env(const struct options *o, const struct sockaddr_storage *server,
	       route_env_fn add, void *ctx);

#endif
