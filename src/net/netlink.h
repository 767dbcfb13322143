/*
 * Interface configuration over rtnetlink (libmnl): link state, MTU, addresses
 * and routes. No shelling out to `ip`. Each call opens its own socket, so
 * the module holds no state; all return 0 or -errno (the kernel's error).
 */
#ifndef DCOVPN_NET_NETLINK_H
#define DCOVPN_NET_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

int nl_link_set(int ifindex, unsigned mtu, bool up);
int nl_addr_add4(int ifindex, struct in_addr addr, unsigned prefix_len);
int nl_addr_add6(int ifindex, const struct in6_addr *addr, unsigned prefix_len);
/* Remove an address added as above (a tun device kept across connections). */
int nl_addr_del4(int ifindex, struct in_addr addr, unsigned prefix_len);
int nl_addr_del6(int ifindex, const struct in6_addr *addr, unsigned prefix_len);
/* gw may be NULL (on-link route). */
int nl_route_add4(int ifindex, struct in_addr dst, unsigned prefix_len,
		  const struct in_addr *gw);
int nl_route_add6(int ifindex, const struct in6_addr *dst, unsigned prefix_len,
		  const struct in6_addr *gw);
int nl_route_del4(int ifindex, struct in_addr dst, unsigned prefix_len);
int nl_route_del6(int ifindex, const struct in6_addr *dst, unsigned prefix_len);
/* The same in routing table @table (0: main; --route-table). */
int nl_route_add4_in(uint32_t table, int ifindex, struct in_addr dst,
		     unsigned prefix_len, const struct in_addr *gw);
int nl_route_add6_in(uint32_t table, int ifindex, const struct in6_addr *dst,
		     unsigned prefix_len, const struct in6_addr *gw);
int nl_route_del4_in(uint32_t table, int ifindex, struct in_addr dst,
		     unsigned prefix_len);
int nl_route_del6_in(uint32_t table, int ifindex, const struct in6_addr *dst,
		     unsigned prefix_len);

/* "255.255.255.0" -> 24; -EINVAL if not a contiguous mask. */
int netmask_to_prefix(struct in_addr mask);

#endif
