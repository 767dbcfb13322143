/*
 * Where the transport socket is bound, by OpenVPN 2.6's rules: --local
 * (an address or name, resolved in the family of the remote) and --lport
 * (default --port, 1194) unless --nobind; a TCP client binds only when
 * --local, --lport or --bind asks for it. OpenVPN's loopback-client and
 * loopback-server samples (and its t_cltsrv test) depend on it: each side
 * sends to the port the other one is bound to.
 */
#ifndef DCOVPN_DAEMON_LOCALBIND_H
#define DCOVPN_DAEMON_LOCALBIND_H

#include <stdbool.h>
#include <sys/socket.h>

#include "conf/options.h"

/*
 * @family: the remote's (AF_UNSPEC: none known; then --local decides, else
 * AF_INET6 as a dual-stack socket). Fills @out/@len: the address to bind
 * (the family's any address, port 0, when there is nothing to bind).
 * Returns 1 to bind, 0 for an ephemeral socket, -errno (logged).
 */
int localbind_get(const struct options *o, int family, bool tcp,
		  struct sockaddr_storage *out, socklen_t *len);

#endif
