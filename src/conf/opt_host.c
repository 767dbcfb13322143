/*
 * Options about what happens around the tunnel on the host: whether
 * dcovpn configures addresses and routes itself (route-noexec,
 * ifconfig-noexec: NetworkManager does it from the up script), which
 * routing table, how the transport sockets are marked and bound, chroot.
 * Most are plain table rows (optable.c); the rest are here.
 */
#include <netinet/in.h>

#include "conf/optable.h"

/* mtu-disc no|maybe|yes: the IP_MTU_DISCOVER values OpenVPN maps them to. */
int h_mtu_disc(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	       unsigned int argc)
{
	static const char *const words[] = { "no", "maybe", "yes", NULL };
	static const int values[] = { IP_PMTUDISC_DONT, IP_PMTUDISC_WANT,
				      IP_PMTUDISC_DO };
	int i = optval_word(c, argv[1], words);

	(void)d;
	(void)argc;
	if (i < 0)
		return i;
	c->o->mtu_disc = values[i];
	return 0;
}
