/* Tunnel addresses and routes from the pulled options. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "daemon/netcfg.h"
#include "net/netlink.h"

static int netcfg_ip4(const struct options *o, int ifindex, const char *ifname)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int prefix = 32, ret;

	inet_ntop(AF_INET, &o->ifconfig_local, a, sizeof(a));
	inet_ntop(AF_INET, &o->ifconfig_remote, b, sizeof(b));
	if (o->topology == OPT_TOPO_SUBNET) {
		prefix = netmask_to_prefix(o->ifconfig_remote);
		if (prefix < 0) {
			log_err("ifconfig: %s is not a netmask", b);
			return prefix;
		}
	}
	log_info("net_addr_v4_add: %s/%d dev %s", a, prefix, ifname);
	ret = nl_addr_add4(ifindex, o->ifconfig_local, (unsigned)prefix);
	if (ret)
		log_err("cannot add address %s/%d to %s: %s", a, prefix,
			ifname, strerror(-ret));
	return ret;
}

int netcfg_addresses(const struct options *o, int ifindex, const char *ifname)
{
	char a[INET6_ADDRSTRLEN];
	int ret;

	if (o->ifconfig_set) {
		ret = netcfg_ip4(o, ifindex, ifname);
		if (ret)
			return ret;
	}
	if (!o->ifconfig6_set)
		return 0;
	inet_ntop(AF_INET6, &o->ifconfig6_local, a, sizeof(a));
	log_info("net_addr_v6_add: %s/%d dev %s", a, o->ifconfig6_bits, ifname);
	ret = nl_addr_add6(ifindex, &o->ifconfig6_local,
			   (unsigned)o->ifconfig6_bits);
	if (ret)
		log_err("cannot add address %s/%d to %s: %s", a,
			o->ifconfig6_bits, ifname, strerror(-ret));
	return ret;
}

static void netcfg_route4(const struct opt_route *r, int ifindex)
{
	struct in_addr net, mask = { .s_addr = 0xffffffffu };
	int prefix, ret;

	if (inet_pton(AF_INET, r->network, &net) != 1 ||
	    (r->netmask && inet_pton(AF_INET, r->netmask, &mask) != 1)) {
		log_warn("WARNING: route %s: only numeric addresses are "
			 "supported, skipped", r->network);
		return;
	}
	prefix = netmask_to_prefix(mask);
	if (prefix < 0) {
		log_warn("WARNING: route %s: bad netmask, skipped", r->network);
		return;
	}
	net.s_addr &= mask.s_addr;
	ret = nl_route_add4(ifindex, net, (unsigned)prefix, NULL);
	if (ret && ret != -EEXIST)
		log_warn("WARNING: cannot add route %s/%d: %s", r->network,
			 prefix, strerror(-ret));
	else
		log_info("net_route_v4_add: %s/%d", r->network, prefix);
}

static void netcfg_route6(const struct opt_route6 *r, int ifindex)
{
	char buf[INET6_ADDRSTRLEN + 4];
	struct in6_addr net;
	char *slash;
	int bits = 128, ret;

	snprintf(buf, sizeof(buf), "%s", r->network);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		bits = atoi(slash + 1);
	}
	if (inet_pton(AF_INET6, buf, &net) != 1 || bits < 0 || bits > 128) {
		log_warn("WARNING: route-ipv6 %s: bad network, skipped",
			 r->network);
		return;
	}
	ret = nl_route_add6(ifindex, &net, (unsigned)bits, NULL);
	if (ret && ret != -EEXIST)
		log_warn("WARNING: cannot add route %s: %s", r->network,
			 strerror(-ret));
	else
		log_info("net_route_v6_add: %s", r->network);
}

int netcfg_routes(const struct options *o, int ifindex)
{
	if (o->ifconfig_set && o->topology != OPT_TOPO_SUBNET) {
		/* net30 / p2p: the far end of the point-to-point link. */
		struct opt_route peer = { .network = NULL };
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &o->ifconfig_remote, a, sizeof(a));
		peer.network = a;
		netcfg_route4(&peer, ifindex);
	}
	for (size_t i = 0; i < o->n_routes; i++)
		netcfg_route4(&o->routes[i], ifindex);
	for (size_t i = 0; i < o->n_routes6; i++)
		netcfg_route6(&o->routes6[i], ifindex);
	if (o->redirect_gateway & OPT_REDIR_ENABLE)
		log_warn("WARNING: redirect-gateway is not supported yet, ignored");
	return 0;
}
