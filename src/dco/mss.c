#include "dco/mss.h"

#include "base/bytes.h"

#define TCP_SYN 0x02u
#define TCPOPT_EOL 0u
#define TCPOPT_NOP 1u
#define TCPOPT_MSS 2u

/* RFC 1624: HC' = ~(~HC + ~m + m') for one changed 16-bit word. */
static uint16_t csum_replace(uint16_t check, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~check + (uint32_t)(uint16_t)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Where the TCP header starts, or 0 if this is not an unfragmented TCP
 * packet whose header is all there. */
static size_t tcp_offset(const uint8_t *ip, size_t len)
{
	size_t l4;

	if (len >= 20 && ip[0] >> 4 == 4) {
		l4 = (size_t)(ip[0] & 0x0f) * 4;
		if (ip[9] != 6 || l4 < 20 || (load_be16(ip + 6) & 0x1fff))
			return 0;
	} else if (len >= 40 && ip[0] >> 4 == 6) {
		l4 = 40;
		if (ip[6] != 6)
			return 0; /* extension headers: left alone */
	} else {
		return 0;
	}
	return len >= l4 + 20 ? l4 : 0;
}

static int clamp_options(uint8_t *th, size_t thl, uint16_t mss)
{
	for (size_t i = 20; i < thl;) {
		uint8_t kind = th[i];

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= thl || th[i + 1] < 2 || i + th[i + 1] > thl)
			break; /* malformed options: leave the packet be */
		if (kind == TCPOPT_MSS && th[i + 1] == 4) {
			uint16_t old = load_be16(th + i + 2);

			if (old <= mss)
				return 0;
			store_be16(th + i + 2, mss);
			store_be16(th + 16, csum_replace(load_be16(th + 16), old, mss));
			return 1;
		}
		i += th[i + 1];
	}
	return 0;
}

int mss_clamp(uint8_t *ip, size_t len, uint16_t mss4)
{
	size_t l4 = tcp_offset(ip, len), thl;
	uint8_t *th;
	uint16_t mss;

	if (!l4 || !mss4)
		return 0;
	th = ip + l4;
	if (!(th[13] & TCP_SYN))
		return 0;
	thl = (size_t)(th[12] >> 4) * 4;
	if (thl <= 20 || l4 + thl > len)
		return 0;
	mss = ip[0] >> 4 == 6 ? (uint16_t)(mss4 > 20 ? mss4 - 20 : 1) : mss4;
	return clamp_options(th, thl, mss);
}
