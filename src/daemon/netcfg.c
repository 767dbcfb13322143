/* Tunnel addresses and routes from the pulled options. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/resolve4.h"
#include "daemon/netcfg.h"
#include "daemon/routeget.h"
#include "dcovpn/dco.h"
#include "net/netlink.h"
#include "proto/datapkt_cbc.h"

/* Address and netmask on the device: subnet topology, and always on a tap
 * (a LAN has no point-to-point far end). */
static bool netcfg_masked(const struct options *o)
{
	return o->topology == OPT_TOPO_SUBNET || o->dev_type == OPT_DEV_TAP;
}

/* The prefix length of the pulled IPv4 address: a netmask when masked,
 * a point-to-point /32 otherwise. */
static int netcfg_prefix4(const struct options *o)
{
	char b[INET_ADDRSTRLEN];
	int prefix = 32;

	if (netcfg_masked(o)) {
		prefix = netmask_to_prefix(o->ifconfig_remote);
		if (prefix < 0) {
			inet_ntop(AF_INET, &o->ifconfig_remote, b, sizeof(b));
			log_err("ifconfig: %s is not a netmask", b);
		}
	}
	return prefix;
}

static int netcfg_ip4(const struct options *o, int ifindex, const char *ifname)
{
	char a[INET_ADDRSTRLEN];
	int prefix = netcfg_prefix4(o), ret;

	if (prefix < 0)
		return prefix;
	inet_ntop(AF_INET, &o->ifconfig_local, a, sizeof(a));
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

void netcfg_addresses_del(const struct options *o, int ifindex)
{
	int prefix = netcfg_prefix4(o);

	if (o->ifconfig_set && prefix >= 0)
		nl_addr_del4(ifindex, o->ifconfig_local, (unsigned)prefix);
	if (o->ifconfig6_set)
		nl_addr_del6(ifindex, &o->ifconfig6_local,
			     (unsigned)o->ifconfig6_bits);
}

/*
 * Where OpenVPN's special route words point. net_gateway is the way out
 * before the tunnel: the route the server itself is reached by, looked up
 * before redirect-gateway takes 0.0.0.0/1 and 128.0.0.0/1.
 */
struct route_ctx {
	int tun_ifindex;
	uint32_t table;                  /* --route-table; 0: main */
	bool has_server;
	struct in_addr server;           /* remote_host */
	bool has_net_gw;
	struct routeget_result net_gw;   /* net_gateway */
	bool has_vpn_gw;                 /* tap: routes go via route-gateway */
	struct in_addr vpn_gw;
};

/* The interface and next hop for @r's gateway; false: skip the route. */
static bool route_via(const struct route_ctx *rc, const struct opt_route *r,
		      int *ifindex, const struct in_addr **gw,
		      struct routeget_result *rg)
{
	struct in_addr a;

	*ifindex = rc->tun_ifindex;
	*gw = NULL;
	if (!r->gateway || !strcmp(r->gateway, "vpn_gateway")) {
		/* on a LAN a route needs a next hop that answers ARP */
		if (rc->has_vpn_gw)
			*gw = &rc->vpn_gw;
		return true;
	}
	if (!strcmp(r->gateway, "net_gateway")) {
		if (!rc->has_net_gw)
			return false;
		*rg = rc->net_gw;
	} else if (!strcmp(r->gateway, "remote_host")) {
		if (!rc->has_server || routeget4(rc->server, rg))
			return false;
		rg->has_gw = true;
		rg->gw = rc->server;
	} else if (!resolve4(r->gateway, &a)) {	/* an address or a name */
		/* a next hop on whatever link reaches it (maybe the tunnel) */
		if (routeget4(a, rg))
			return false;
		rg->has_gw = rg->ifindex != rc->tun_ifindex;
		rg->gw = a;
	} else {
		return false;
	}
	*ifindex = rg->ifindex;
	*gw = rg->has_gw ? &rg->gw : NULL;
	return true;
}

/* vpn_gateway, net_gateway, remote_host: OpenVPN's keywords, not names. */
static bool route_special_kw(const char *s)
{
	return !strcmp(s, "vpn_gateway") || !strcmp(s, "net_gateway") ||
	       !strcmp(s, "remote_host");
}

/* @r's destination network; false (logged): skip the route. */
static bool route4_dst(const struct opt_route *r, const struct route_ctx *rc,
		       struct in_addr *net, int *prefix)
{
	struct in_addr mask = { .s_addr = 0xffffffffu };

	if (!strcmp(r->network, "remote_host") && rc->has_server)
		*net = rc->server;
	else if (route_special_kw(r->network)) {
		log_warn("WARNING: route %s: only addresses, host names and "
			 "remote_host are supported, skipped", r->network);
		return false;
	} else if (resolve4(r->network, net)) {
		/* a name (a local route, or pushed with --allow-pull-fqdn) */
		log_warn("RESOLVE: Cannot resolve host address: %s", r->network);
		log_warn("route: failed to parse/resolve route for host/network: "
			 "%s", r->network);
		return false;
	}
	if (r->netmask && inet_pton(AF_INET, r->netmask, &mask) != 1) {
		log_warn("WARNING: route %s: bad netmask %s, skipped",
			 r->network, r->netmask);
		return false;
	}
	*prefix = netmask_to_prefix(mask);
	if (*prefix < 0) {
		log_warn("WARNING: route %s: bad netmask, skipped", r->network);
		return false;
	}
	net->s_addr &= mask.s_addr;
	return true;
}

static void netcfg_route4(const struct opt_route *r, const struct route_ctx *rc)
{
	const struct in_addr *gw;
	struct routeget_result rg;
	struct in_addr net;
	int prefix, ret, ifindex;

	if (!route4_dst(r, rc, &net, &prefix))
		return;
	if (!route_via(rc, r, &ifindex, &gw, &rg)) {
		log_warn("WARNING: route %s: cannot resolve gateway %s, skipped",
			 r->network, r->gateway);
		return;
	}
	ret = nl_route_add4_in(rc->table, ifindex, net, (unsigned)prefix, gw);
	if (ret && ret != -EEXIST)
		log_warn("WARNING: cannot add route %s/%d: %s", r->network,
			 prefix, strerror(-ret));
	else
		log_info("net_route_v4_add: %s/%d%s%s", r->network, prefix,
			 r->gateway ? " via " : "", r->gateway ? r->gateway : "");
}

/* @r's "addr/bits"; false (logged): skip the route. */
static bool route6_dst(const struct opt_route6 *r, struct in6_addr *net,
		       int *bits)
{
	char buf[INET6_ADDRSTRLEN + 4];
	char *slash;

	*bits = 128;
	snprintf(buf, sizeof(buf), "%s", r->network);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		*bits = atoi(slash + 1);
	}
	if (inet_pton(AF_INET6, buf, net) != 1 || *bits < 0 || *bits > 128) {
		log_warn("WARNING: route-ipv6 %s: bad network, skipped",
			 r->network);
		return false;
	}
	return true;
}

static void netcfg_route6(const struct opt_route6 *r,
			  const struct route_ctx *rc)
{
	struct in6_addr net;
	int bits, ret;

	if (!route6_dst(r, &net, &bits))
		return;
	ret = nl_route_add6_in(rc->table, rc->tun_ifindex, &net, (unsigned)bits,
			       NULL);
	if (ret && ret != -EEXIST)
		log_warn("WARNING: cannot add route %s: %s", r->network,
			 strerror(-ret));
	else
		log_info("net_route_v6_add: %s", r->network);
}

/* Keep reaching the server the way we do now (redirect-gateway). */
static void netcfg_server_route(const struct sockaddr_storage *server,
				uint32_t table, struct netcfg_undo *undo)
{
	struct in_addr srv = ((const struct sockaddr_in *)server)->sin_addr;
	struct routeget_result rg;
	char a[INET_ADDRSTRLEN];
	int ret;

	/* A tun kept across connections keeps this route too (the next
	 * connection must reach the server outside the tunnel): add it once,
	 * and move it when the server changes. */
	if (undo->server_route && undo->server.s_addr == srv.s_addr)
		return;
	netcfg_undo(undo);
	inet_ntop(AF_INET, &srv, a, sizeof(a));
	ret = routeget4(srv, &rg);
	if (ret) {
		log_warn("WARNING: redirect-gateway: no route to the server %s "
			 "(%s)", a, strerror(-ret));
		return;
	}
	ret = nl_route_add4_in(table, rg.ifindex, srv, 32,
			       rg.has_gw ? &rg.gw : NULL);
	if (ret && ret != -EEXIST) {
		log_warn("WARNING: cannot add the route to the server %s: %s", a,
			 strerror(-ret));
		return;
	}
	log_info("net_route_v4_add: %s/32 (to the server, outside the tunnel)", a);
	if (ret == 0) {
		undo->server_route = true;
		undo->server_ifindex = rg.ifindex;
		undo->server = srv;
		undo->table = table;
	}
}

static void netcfg_redirect(const struct options *o, const struct route_ctx *rc,
			    const struct sockaddr_storage *server,
			    struct netcfg_undo *undo)
{
	static const char *const halves[] = { "0.0.0.0", "128.0.0.0" };

	if (!(o->redirect_gateway & OPT_REDIR_ENABLE) ||
	    (o->redirect_gateway & OPT_REDIR_NOT_IPV4))
		return;
	if (server->ss_family == AF_INET &&
	    !(o->redirect_gateway & OPT_REDIR_LOCAL))
		netcfg_server_route(server, rc->table, undo);
	for (unsigned i = 0; i < 2; i++) {
		struct opt_route r = { .network = (char *)halves[i],
				       .netmask = (char *)"128.0.0.0" };

		netcfg_route4(&r, rc);
	}
}

static void netcfg_redirect6(const struct options *o,
			     const struct route_ctx *rc)
{
	static const char *const halves[] = { "::/1", "8000::/1" };

	if (!(o->redirect_gateway & OPT_REDIR_IPV6))
		return;
	for (unsigned i = 0; i < 2; i++) {
		struct opt_route6 r = { .network = (char *)halves[i] };

		netcfg_route6(&r, rc);
	}
}

int netcfg_routes(const struct options *o, int ifindex,
		  const struct sockaddr_storage *server, struct netcfg_undo *undo)
{
	struct route_ctx rc = { .tun_ifindex = ifindex,
				.table = (uint32_t)o->route_table };

	if (server && server->ss_family == AF_INET) {
		rc.has_server = true;
		rc.server = ((const struct sockaddr_in *)server)->sin_addr;
		/* before redirect-gateway: afterwards it would say "the tun" */
		rc.has_net_gw = routeget4(rc.server, &rc.net_gw) == 0 &&
				rc.net_gw.ifindex != ifindex;
	}
	rc.has_vpn_gw = o->dev_type == OPT_DEV_TAP && o->route_gateway &&
			inet_pton(AF_INET, o->route_gateway, &rc.vpn_gw) == 1;
	if (o->ifconfig_set && !netcfg_masked(o)) {
		/* net30 / p2p: the far end of the point-to-point link. */
		struct opt_route peer = { .network = NULL };
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &o->ifconfig_remote, a, sizeof(a));
		peer.network = a;
		netcfg_route4(&peer, &rc);
	}
	netcfg_redirect(o, &rc, server, undo);
	netcfg_redirect6(o, &rc);
	for (size_t i = 0; i < o->n_routes; i++)
		netcfg_route4(&o->routes[i], &rc);
	for (size_t i = 0; i < o->n_routes6; i++)
		netcfg_route6(&o->routes6[i], &rc);
	return 0;
}

void netcfg_routes_del(const struct options *o, int ifindex, bool v6)
{
	struct route_ctx rc = { .tun_ifindex = ifindex };
	uint32_t table = (uint32_t)o->route_table;
	struct in6_addr net6;
	struct in_addr net;
	int bits;

	for (size_t i = 0; !v6 && i < o->n_routes; i++) {
		const struct opt_route *r = &o->routes[i];
		/* one through the tunnel, or wherever its gateway led */
		bool tun = !r->gateway || !strcmp(r->gateway, "vpn_gateway");

		if (route4_dst(r, &rc, &net, &bits) &&
		    !nl_route_del4_in(table, tun ? ifindex : 0, net,
				      (unsigned)bits))
			log_info("net_route_v4_del: %s/%d", r->network, bits);
	}
	for (size_t i = 0; v6 && i < o->n_routes6; i++)
		if (route6_dst(&o->routes6[i], &net6, &bits) &&
		    !nl_route_del6_in(table, ifindex, &net6, (unsigned)bits))
			log_info("net_route_v6_del: %s", o->routes6[i].network);
}

void netcfg_undo(struct netcfg_undo *undo)
{
	if (undo->server_route)
		nl_route_del4_in(undo->table, undo->server_ifindex,
				 undo->server, 32);
	undo->server_route = false;
}

#define MSSFIX_DEFAULT 1492
#define MSS_FLOOR 536           /* RFC 879's default: never clamp below it */
#define DATA_OVERHEAD 24        /* P_DATA_V2 header, packet-id, AEAD tag */
#define INNER_HEADERS 40        /* IPv4 + TCP inside the tunnel */

/*
 * The data channel's bytes per packet. The clamp is set before the cipher
 * is negotiated, so when a CBC cipher may be chosen, its worst case counts:
 * header, HMAC, IV, packet-id and a whole block of padding
 * (proto/datapkt_cbc.h; static key mode has no header but an 8-byte
 * packet-id: the same sum).
 */
static int data_overhead(const struct options *o)
{
	enum dco_auth auth = DCO_AUTH_SHA1;
	/* --cipher too: static key mode's (and a legacy line's, which
	 * only makes the clamp a little lower) */
	bool cbc = (o->data_ciphers && strcasestr(o->data_ciphers, "-CBC")) ||
		   (o->data_ciphers_fallback &&
		    strcasestr(o->data_ciphers_fallback, "-CBC")) ||
		   (o->cipher && strcasestr(o->cipher, "-CBC"));

	if (!cbc)
		return DATA_OVERHEAD;
	if (o->auth)
		dco_auth_from_name(o->auth, &auth);
	return (int)(DATAPKT_V2_HDR_LEN + dco_auth_len(auth) + DATAPKT_CBC_IV_LEN +
		     DATAPKT_PKTID_LEN + DATAPKT_CBC_BLOCK);
}

unsigned netcfg_mss(const struct options *o, bool v6_transport, bool tcp_transport)
{
	int max = o->mssfix < 0 ? MSSFIX_DEFAULT : o->mssfix;
	int overhead;

	if (max == 0)
		return 0;
	if (o->mssfix_fixed)	/* the value is the packet inside, as is */
		overhead = INNER_HEADERS;
	else			/* outer IP + UDP (or TCP + length) + data */
		overhead = (v6_transport ? 40 : 20) + (tcp_transport ? 22 : 8) +
			   data_overhead(o) + INNER_HEADERS;
	/* a tap's frames carry their Ethernet header too (OpenVPN's
	 * frame_calculate_payload_overhead) */
	if (!o->mssfix_fixed && o->dev_type == OPT_DEV_TAP)
		overhead += 14;
	return max - overhead < MSS_FLOOR ? MSS_FLOOR : (unsigned)(max - overhead);
}

/* The device name asked for: --dev NAME, or the kernel's next tunN/tapN. */
const char *opts_ifname(const struct options *o)
{
	if (o->dev && !strcmp(o->dev, "tap"))
		return "tap%d";
	return o->dev && strcmp(o->dev, "tun") && strcmp(o->dev, "null") ?
		       o->dev : "tun%d";
}
