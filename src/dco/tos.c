/* The inner packet's TOS for --passtos (tos.h). */
#include "dco/tos.h"

#include "base/bytes.h"
#include "base/pkt.h"
#include "dco/l2.h"

static int tos_of_ip(const uint8_t *ip, size_t len)
{
	if (len < 2)
		return -1;
	switch (ip[0] >> 4) {
	case 4:
		return ip[1];
	case 6:	/* version 4 bits, traffic class 8, flow label 20 */
		return ((ip[0] & 0x0f) << 4) | (ip[1] >> 4);
	default:
		return -1;
	}
}

int tos_of(bool tap, const uint8_t *d, size_t len)
{
	uint16_t type;

	if (!tap)
		return tos_of_ip(d, len);
	if (len <= L2_ETH_HLEN)
		return -1;
	type = load_be16(d + 2 * L2_MAC_LEN);
	if (type != 0x0800u && type != 0x86ddu)
		return -1;
	return tos_of_ip(d + L2_ETH_HLEN, len - L2_ETH_HLEN);
}

uint16_t tos_mark(bool tap, const uint8_t *d, size_t len)
{
	int tos = tos_of(tap, d, len);

	return tos < 0 ? 0 : (uint16_t)(PKT_TOS_SET | (unsigned)tos);
}
