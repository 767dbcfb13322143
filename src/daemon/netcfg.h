/*
 * The tunnel's addresses and routes from pulled options (ifconfig,
 * ifconfig-ipv6, route, route-ipv6, topology), over netlink. Routes go
 * on-link through the tun device: it is point-to-point, so a gateway adds
 * nothing. Everything vanishes with the device.
 */
#ifndef DCOVPN_DAEMON_NETCFG_H
#define DCOVPN_DAEMON_NETCFG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf/options.h"

/* What outlives the tun device and must be undone: redirect-gateway's
 * host route to the server through the old way. */
struct netcfg_undo {
	bool server_route;
	int server_ifindex;
	struct in_addr server;
	uint32_t table;		/* the route's table (--route-table) */
};

/* Addresses (before the device is up). 0 or -errno, logged. */
int netcfg_addresses(const struct options *o, int ifindex, const char *ifname);
/* Take them off again: a tun device kept for the next connection (which
 * may be given other addresses). Routes through it stay, as persist-tun
 * keeps them: traffic meant for the tunnel waits rather than leaks. */
void netcfg_addresses_del(const struct options *o, int ifindex);

/*
 * The MSS clamp for the engine from --mssfix (default 1492): the largest
 * TCP MSS (IPv4 inside) whose segments, encapsulated, still make outer IP
 * packets of at most mssfix bytes over this transport. 0 when turned off.
 */
unsigned netcfg_mss(const struct options *o, bool v6_transport, bool tcp_transport);
/*
 * Routes (after it is up). Bad entries are logged and skipped.
 * redirect-gateway (def1 or not: both become 0.0.0.0/1 + 128.0.0.0/1, so
 * the original default route is never touched) first pins a host route
 * to @server (IPv4) where it goes now, unless "local" was given, and
 * records it in @undo (zeroed by the caller at first; a route already
 * recorded there for the same server is kept, as a kept tun needs).
 */
int netcfg_routes(const struct options *o, int ifindex,
		  const struct sockaddr_storage *server, struct netcfg_undo *undo);
/* Take the routes of --route (@v6 false) or --route-ipv6 (true) off
 * again (PUSH_UPDATE replaces them); what is not there is skipped. */
void netcfg_routes_del(const struct options *o, int ifindex, bool v6);
void netcfg_undo(struct netcfg_undo *undo);

/* The device name asked for: --dev NAME, or the kernel's next tunN/tapN
 * ("tun", "tap" and "null" are patterns, not names). */
const char *opts_ifname(const struct options *o);

#endif
