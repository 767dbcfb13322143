/*
 * OpenVPN's --ifconfig sanity warning (tun.c ifconfig_sanity_check), which
 * --ifconfig-nowarn silences: on a tun device with a point-to-point
 * topology (net30, the default, or p2p) the second address is the peer's,
 * and one that looks like a netmask (first byte 255) is most likely a
 * mistake carried over from a subnet or tap config. On a tap it is the
 * other way round: the second argument must look like a netmask.
 */
#include <arpa/inet.h>

#include "base/log.h"
#include "conf/options.h"

/* On a tap the second address is always a netmask. */
static void ifconfig_warn_tap(const struct options *o)
{
	if ((ntohl(o->ifconfig_remote.s_addr) & 0xFF000000u) == 0xFF000000u)
		return;
	log_warn("WARNING: Since you are using --dev tap, the second argument "
		 "to --ifconfig must be a netmask, for example something like "
		 "255.255.255.0. (silence this warning with --ifconfig-nowarn)");
}

void options_ifconfig_warn(const struct options *o)
{
	char peer[INET_ADDRSTRLEN];
	bool p2p = o->topology != OPT_TOPO_SUBNET;

	if (o->ifconfig_set && !o->ifconfig_nowarn && o->dev_type == OPT_DEV_TAP) {
		ifconfig_warn_tap(o);
		return;
	}
	if (!o->ifconfig_set || o->ifconfig_nowarn || !p2p ||
	    (ntohl(o->ifconfig_remote.s_addr) & 0xFF000000u) != 0xFF000000u)
		return;
	inet_ntop(AF_INET, &o->ifconfig_remote, peer, sizeof(peer));
	log_warn("WARNING: Since you are using --dev tun with a point-to-point "
		 "topology, the second argument to --ifconfig must be an IP "
		 "address.  You are using something (%s) that looks more like "
		 "a netmask. (silence this warning with --ifconfig-nowarn)",
		 peer);
}
