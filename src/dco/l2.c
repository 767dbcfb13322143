/* Layer 2 checks for the data path (l2.h). */
#include "dco/l2.h"

bool l2_payload_ok(bool tap, const uint8_t *d, size_t len)
{
	/* A tap takes any frame with a full header: ARP, VLAN tags and
	 * protocols the engine does not know are the LAN's business. */
	if (tap)
		return len >= L2_ETH_HLEN;
	return len >= 20 && (d[0] >> 4 == 4 || d[0] >> 4 == 6);
}
