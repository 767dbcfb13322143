/* --mark, --bind-dev, --mtu-disc on a transport socket. */
#include "io/sockopt.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "base/log.h"

static int sockopt_mtu_disc(int fd, int family, int mode)
{
	int level = family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	int name = family == AF_INET6 ? IPV6_MTU_DISCOVER : IP_MTU_DISCOVER;

	if (setsockopt(fd, level, name, &mode, sizeof(mode)) == 0)
		return 0;
	log_err("Error setting %s type=%d on TCP/UDP socket: %s",
		family == AF_INET6 ? "IPV6_MTU_DISCOVER" : "IP_MTU_DISCOVER",
		mode, strerror(errno));
	return -errno;
}

int sockopt_apply(int fd, int family, const struct sock_opts *so)
{
	if (!so)
		return 0;
	if (so->mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &so->mark,
				   sizeof(so->mark)))
		log_warn("NOTE: setsockopt SO_MARK=%u failed: %s", so->mark,
			 strerror(errno));
	if (so->bind_dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE,
				       so->bind_dev, strlen(so->bind_dev) + 1))
		log_warn("WARN: setsockopt SO_BINDTODEVICE=%s failed: %s",
			 so->bind_dev, strerror(errno));
	return so->mtu_disc >= 0 ? sockopt_mtu_disc(fd, family, so->mtu_disc) : 0;
}
