/*
 * The server's addressing: what `server NET MASK` expands to (OpenVPN's
 * helper_client_server), the tun's addresses and the pool, and the routes
 * brought up with it (server_int.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "base/log.h"
#include "daemon/netcfg.h"
#include "daemon/server_int.h"
#include "net/netlink.h"

static int plan_pool(struct server *s, uint32_t start, uint32_t end,
		     bool net30)
{
	int ret = pool_init(&s->pool, start, end, net30, NULL,
			    s->so->duplicate_cn);

	s->has_pool = ret == 0;
	return ret;
}

static int plan_from_server(struct server *s)
{
	const struct opt_server *so = s->so;
	uint32_t net = ntohl(so->net.s_addr), mask = ntohl(so->mask.s_addr);
	uint32_t size = ~mask + 1u;

	s->local4.s_addr = htonl(net + 1);
	s->mask4 = so->mask;
	if (s->topo == OPT_TOPO_SUBNET) {
		if (!so->nopool && !so->pool_set)
			return plan_pool(s, net + 2, net + size - 2, false);
	} else {
		s->remote4.s_addr = htonl(net + 2);
		if (!so->nopool && !so->pool_set)
			return plan_pool(s, net + 4, net + size - 5, true);
	}
	return 0;
}

int server_plan(struct server *s)
{
	const struct options *o = s->o;
	const struct opt_server *so = s->so;
	int ret = 0;

	/* a tap is a LAN: address and netmask, as subnet (helper.c) */
	s->topo = o->topology == OPT_TOPO_SUBNET || o->dev_type == OPT_DEV_TAP ?
			  OPT_TOPO_SUBNET : OPT_TOPO_NET30;
	/* 2.6's default stays (its configs keep their meaning); 2.7's differs */
	if (o->topology == OPT_TOPO_UNSET && o->dev_type != OPT_DEV_TAP)
		log_info("NOTE: --topology not given: net30, OpenVPN 2.6's "
			 "default (OpenVPN 2.7 defaults to subnet in server "
			 "mode; say 'topology subnet' or 'topology net30')");
	if (o->topology == OPT_TOPO_P2P) {
		log_err("Options error: --topology p2p is not supported in "
			"server mode; use subnet or net30");
		return -EINVAL;
	}
	if (so->bridge || so->bridge_dhcp) {
		if (o->dev_type != OPT_DEV_TAP) {
			log_err("Options error: --server-bridge directive only "
				"makes sense with --dev tap");
			return -EINVAL;
		}
		/* the tap joins the admin's bridge: no address of ours */
		s->mask4 = so->pool_mask;
	} else if (so->server_set) {
		ret = plan_from_server(s);
	} else if (o->ifconfig_set) {
		s->local4 = o->ifconfig_local;
		if (s->topo == OPT_TOPO_SUBNET)
			s->mask4 = o->ifconfig_remote;
		else
			s->remote4 = o->ifconfig_remote;
	} else {
		log_err("Options error: --mode server needs --server NET MASK "
			"or --ifconfig");
		return -EINVAL;
	}
	if (!ret && so->pool_set)
		ret = plan_pool(s, ntohl(so->pool_start.s_addr),
				ntohl(so->pool_end.s_addr), s->topo != OPT_TOPO_SUBNET);
	if (ret) {
		log_err("Options error: bad --ifconfig-pool range");
		return ret;
	}
	if (so->server6_set) {
		struct in6_addr base = so->net6;

		s->has6 = true;
		s->local6 = so->net6;
		s->local6.s6_addr[15] |= 1;
		s->bits6 = so->bits6;
		/* OpenVPN's IPv6 pool starts at NET + 0x1000, in step. */
		base.s6_addr[14] |= 0x10;
		if (s->has_pool) {
			s->pool.has6 = true;
			s->pool.base6 = base;
		}
	}
	if (!so->server6_set && so->pool6_set) {
		/* the manual form: our address from ifconfig-ipv6 */
		if (!s->o->ifconfig6_set || !s->has_pool) {
			log_err("Options error: --ifconfig-ipv6-pool needs "
				"--ifconfig-ipv6 and an IPv4 pool");
			return -EINVAL;
		}
		s->has6 = true;
		s->local6 = s->o->ifconfig6_local;
		s->bits6 = s->so->pool6_bits;
		s->pool.has6 = true;
		s->pool.base6 = so->pool6;
	}
	server_pool_load(s);
	return 0;
}

static int mask_bits(struct in_addr m)
{
	return netmask_to_prefix(m);
}

int server_net_up(struct server *s)
{
	int idx = dco_ifindex(s->dco), ret;
	unsigned mtu = dco_mtu(s->dco);

	ret = nl_link_set(idx, mtu, false);
	if (!s->local4.s_addr) {
		/* server-bridge: the bridge holds the LAN's address */
	} else if (s->topo == OPT_TOPO_SUBNET) {
		if (!ret)
			ret = nl_addr_add4(idx, s->local4, (unsigned)mask_bits(s->mask4));
	} else if (!ret) {
		/* net30: our end as a host (the VPN network's route comes
		 * once the device is up, server_routes_up). */
		ret = nl_addr_add4(idx, s->local4, 32);
	}
	if (!ret && s->has6)
		ret = nl_addr_add6(idx, &s->local6, (unsigned)s->bits6);
	return ret;
}

void server_net_down(struct server *s)
{
	int idx = dco_ifindex(s->dco);

	if (s->local4.s_addr)
		nl_addr_del4(idx, s->local4, s->topo == OPT_TOPO_SUBNET ?
			     (unsigned)mask_bits(s->mask4) : 32u);
	if (s->has6)
		nl_addr_del6(idx, &s->local6, (unsigned)s->bits6);
}

/* The server's own --route / --route-ipv6 lines (networks behind clients,
 * reached through their iroutes), once the device is up. */
void server_routes_up(struct server *s)
{
	struct sockaddr_storage none = { .ss_family = AF_UNSPEC };
	struct netcfg_undo undo = { 0 };

	int idx = dco_ifindex(s->dco), ret;

	if (s->topo != OPT_TOPO_SUBNET && s->so->server_set) {
		ret = nl_route_add4_in((uint32_t)s->o->route_table, idx,
				       s->so->net,
				       (unsigned)mask_bits(s->so->mask), NULL);
		/* EEXIST: a kept tun (persist-tun) has it from before */
		if (ret && ret != -EEXIST)
			log_warn("net30: cannot route the VPN network to %s: %s",
				 dco_ifname(s->dco), strerror(-ret));
	}
	netcfg_routes(s->o, idx, &none, &undo);
}
