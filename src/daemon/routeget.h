/*
 * Which way does the kernel send to an address now (RTM_GETROUTE)? Used
 * by redirect-gateway to keep the server itself reachable outside the
 * tunnel.
 */
#ifndef DCOVPN_DAEMON_ROUTEGET_H
#define DCOVPN_DAEMON_ROUTEGET_H

#include <stdbool.h>
#include <netinet/in.h>

struct routeget_result {
	int ifindex;
	bool has_gw;
	struct in_addr gw;
};

/* 0 or -errno (-ENETUNREACH: no route). */
int routeget4(struct in_addr dst, struct routeget_result *out);

#endif
