/*
 * The tunnel's addresses and routes from pulled options (ifconfig,
 * ifconfig-ipv6, route, route-ipv6, topology), over netlink. Routes go
 * on-link through the tun device: it is point-to-point, so a gateway adds
 * nothing. Everything vanishes with the device.
 */
#ifndef DCOVPN_DAEMON_NETCFG_H
#define DCOVPN_DAEMON_NETCFG_H

#include "conf/options.h"

/* Addresses (before the device is up). 0 or -errno, logged. */
int netcfg_addresses(const struct options *o, int ifindex, const char *ifname);
/* Routes (after it is up). Bad entries are logged and skipped. */
int netcfg_routes(const struct options *o, int ifindex);

#endif
