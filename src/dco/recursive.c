/*
 * OpenVPN's drop_if_recursive_routing (forward.c): a tun packet addressed
 * to its peer's own outer address would be carried inside the tunnel to
 * where the tunnel itself goes, a loop; it is dropped (counted as no
 * route, logged rate-limited) unless --allow-recursive-routing.
 */
#include <netinet/in.h>
#include <string.h>

#include "base/log.h"
#include "dco/engine.h"

static bool goes_to(const uint8_t *ip, size_t len,
		    const struct sockaddr_storage *remote)
{
	const struct sockaddr_in *r4 = (const struct sockaddr_in *)remote;
	const struct sockaddr_in6 *r6 = (const struct sockaddr_in6 *)remote;

	if (len >= 20 && ip[0] >> 4 == 4 && remote->ss_family == AF_INET)
		return !memcmp(ip + 16, &r4->sin_addr, 4);
	if (len >= 40 && ip[0] >> 4 == 6 && remote->ss_family == AF_INET6)
		return !memcmp(ip + 24, &r6->sin6_addr, 16);
	return false;
}

bool tx_recursive(struct worker *w, const uint8_t *ip, size_t len,
		  const struct sockaddr_storage *remote, socklen_t remote_len)
{
	/* tun only: a tap frame's IP packet is not looked into (OpenVPN
	 * does, past the Ethernet header) */
	if (w->dco->allow_recursive || w->dco->tap || !remote_len ||
	    !goes_to(ip, len, remote))
		return false;
	log_limited(&w->rl_drop, 5000, LOG_INFO,
		    "Recursive routing detected, drop tun packet to the peer's "
		    "own address");
	return true;
}
