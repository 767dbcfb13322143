/* The transport sockets' --mark, --bind-dev, --mtu-disc (io/sockopt.h). */
#ifndef DCOVPN_DAEMON_LINKOPT_H
#define DCOVPN_DAEMON_LINKOPT_H

#include "conf/options.h"
#include "io/sockopt.h"

static inline struct sock_opts linkopt(const struct options *o)
{
	return (struct sock_opts){ .mark = (uint32_t)o->mark,
				   .bind_dev = o->bind_dev,
				   .mtu_disc = o->mtu_disc };
}

#endif
