/*
 * OpenVPN's --ifconfig sanity warnings, which --ifconfig-nowarn silences
 * (tun.c ifconfig_sanity_check and check_addr_clash). The first: on a
 * tun device with a point-to-point topology (net30, the default, or p2p)
 * the second address is the peer's,
 * and one that looks like a netmask (first byte 255) is most likely a
 * mistake carried over from a subnet or tap config. On a tap it is the
 * other way round: the second argument must look like a netmask. The
 * clash warnings: --local or --remote (as resolved) is one of the
 * --ifconfig addresses or in their /24 (a tap: inside its subnet).
 */
#include <arpa/inet.h>

#include "base/log.h"
#include "conf/options.h"

#define SILENCE "(silence this warning with --ifconfig-nowarn)"

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

/* OpenVPN's check_addr_clash for one transport address @pub (network
 * order) named @name ("local", "remote"). */
static void clash_warn(const struct options *o, const char *name, in_addr_t pub)
{
	uint32_t p = ntohl(pub), l = ntohl(o->ifconfig_local.s_addr);
	uint32_t r = ntohl(o->ifconfig_remote.s_addr);
	char a[3][INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &pub, a[0], sizeof(a[0]));
	inet_ntop(AF_INET, &o->ifconfig_local, a[1], sizeof(a[1]));
	inet_ntop(AF_INET, &o->ifconfig_remote, a[2], sizeof(a[2]));
	if (o->dev_type == OPT_DEV_TAP) {
		if ((p & r) == (l & r))
			log_warn("WARNING: --%s address [%s] conflicts with "
				 "--ifconfig subnet [%s, %s] -- local and remote "
				 "addresses cannot be inside of the --ifconfig "
				 "subnet. %s", name, a[0], a[1], a[2], SILENCE);
		return;
	}
	if (p == l || p == r)
		log_warn("WARNING: --%s address [%s] conflicts with --ifconfig "
			 "address pair [%s, %s]. %s", name, a[0], a[1], a[2],
			 SILENCE);
	/* a /24 guess, whatever the topology, as OpenVPN */
	if ((p >> 8) == (l >> 8) || (p >> 8) == (r >> 8))
		log_warn("WARNING: potential conflict between --%s address [%s] "
			 "and --ifconfig address pair [%s, %s] -- this is a "
			 "warning only that is triggered when local/remote "
			 "addresses exist within the same /24 subnet as "
			 "--ifconfig endpoints. %s", name, a[0], a[1], a[2],
			 SILENCE);
}

static in_addr_t ip4_of(const struct sockaddr *sa)
{
	if (!sa || sa->sa_family != AF_INET)
		return 0;
	return ((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr;
}

void options_ifconfig_clash_warn(const struct options *o,
				 const struct sockaddr *local,
				 const struct sockaddr *remote)
{
	if (!o->ifconfig_set || o->ifconfig_nowarn)
		return;
	if (ip4_of(local))
		clash_warn(o, "local", ip4_of(local));
	if (ip4_of(remote))
		clash_warn(o, "remote", ip4_of(remote));
}
