/*
 * Per-socket settings of the transport sockets from OpenVPN's --mark,
 * --bind-dev and --mtu-disc, applied to every UDP/TCP socket the tunnel
 * uses (before bind/connect, so a VRF given by bind-dev decides the
 * route). As OpenVPN: a mark or device that cannot be set is a warning,
 * an MTU-discovery mode that cannot be set is an error.
 */
#ifndef DCOVPN_IO_SOCKOPT_H
#define DCOVPN_IO_SOCKOPT_H

#include <stdint.h>

struct sock_opts {
	uint32_t mark;          /* SO_MARK; 0: none */
	const char *bind_dev;   /* SO_BINDTODEVICE; NULL: none */
	int mtu_disc;           /* IP(V6)_MTU_DISCOVER (IP_PMTUDISC_*); -1: none */
};

/* @so may be NULL (nothing to do). 0 or -errno (mtu-disc only). */
int sockopt_apply(int fd, int family, const struct sock_opts *so);

#endif
