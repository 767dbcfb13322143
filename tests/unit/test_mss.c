/* MSS clamping: the option rewritten, the checksum still right (checked by a
 * full recomputation, independent of the incremental update). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/bytes.h"
#include "dco/mss.h"
#include "io/csum.h"

/* A SYN with options NOP NOP MSS(@mss) NOP EOL; IPv4 or IPv6. Returns length. */
static size_t syn(uint8_t *ip, int v6, uint16_t mss, uint8_t flags)
{
	size_t l4 = v6 ? 40 : 20, len = l4 + 28;
	uint8_t *th = ip + l4;
	uint64_t sum;

	memset(ip, 0, len);
	if (v6) {
		ip[0] = 0x60;
		store_be16(ip + 4, 28);
		ip[6] = 6;
		ip[7] = 64;
		ip[8] = 0xfd;
		ip[24] = 0xfd;
		ip[39] = 9;
	} else {
		ip[0] = 0x45;
		store_be16(ip + 2, (uint16_t)len);
		ip[8] = 64;
		ip[9] = 6;
		store_be32(ip + 12, 0xc6130001);
		store_be32(ip + 16, 0xc6130002);
		csum_ip4_header(ip, 20);
	}
	store_be16(th, 33000);
	store_be16(th + 2, 80);
	th[12] = 7 << 4;
	th[13] = flags;
	th[20] = 1;
	th[21] = 1;
	th[22] = 2;
	th[23] = 4;
	store_be16(th + 24, mss);
	th[26] = 1; /* NOP, then end of options */
	th[27] = 0;
	sum = v6 ? csum_pseudo6(ip + 8, ip + 24, 6, 28) :
		   csum_pseudo4(ip + 12, ip + 16, 6, 28);
	store_be16(th + 16, csum_finish(csum_add(sum, th, 28)));
	return len;
}

static int tcp_ok(const uint8_t *ip, size_t len, int v6)
{
	size_t l4 = v6 ? 40 : 20;
	uint64_t sum = v6 ? csum_pseudo6(ip + 8, ip + 24, 6, (uint32_t)(len - l4)) :
			    csum_pseudo4(ip + 12, ip + 16, 6, (uint32_t)(len - l4));

	return csum_fold(csum_add(sum, ip + l4, len - l4)) == 0xffff;
}

static void test_clamps_v4_and_v6(void **state)
{
	uint8_t ip[80];
	size_t len;

	(void)state;
	len = syn(ip, 0, 1460, 0x02);
	assert_true(tcp_ok(ip, len, 0));
	assert_int_equal(mss_clamp(ip, len, 1360), 1);
	assert_int_equal(load_be16(ip + 20 + 24), 1360);
	assert_true(tcp_ok(ip, len, 0));
	/* SYN-ACK too */
	len = syn(ip, 0, 65495, 0x12);
	assert_int_equal(mss_clamp(ip, len, 1360), 1);
	assert_int_equal(load_be16(ip + 20 + 24), 1360);
	assert_true(tcp_ok(ip, len, 0));
	/* IPv6 gets 20 less */
	len = syn(ip, 1, 1440, 0x02);
	assert_int_equal(mss_clamp(ip, len, 1360), 1);
	assert_int_equal(load_be16(ip + 40 + 24), 1340);
	assert_true(tcp_ok(ip, len, 1));
}

static void test_leaves_alone(void **state)
{
	uint8_t ip[80], copy[80];
	size_t len;

	(void)state;
	len = syn(ip, 0, 1200, 0x02); /* already small */
	memcpy(copy, ip, len);
	assert_int_equal(mss_clamp(ip, len, 1360), 0);
	assert_memory_equal(ip, copy, len);
	len = syn(ip, 0, 1460, 0x10); /* not a SYN */
	memcpy(copy, ip, len);
	assert_int_equal(mss_clamp(ip, len, 1360), 0);
	assert_memory_equal(ip, copy, len);
	len = syn(ip, 0, 1460, 0x02); /* clamp off */
	assert_int_equal(mss_clamp(ip, len, 0), 0);
	/* truncated: options cut off */
	for (size_t cut = 0; cut < len; cut++) {
		len = syn(ip, 0, 1460, 0x02);
		assert_int_equal(mss_clamp(ip, cut, 1360), 0);
	}
	/* malformed option length 0 stops the walk */
	len = syn(ip, 0, 1460, 0x02);
	ip[20 + 21] = 0xfe;
	ip[20 + 22] = 0;
	assert_int_equal(mss_clamp(ip, len, 1360), 0);
	/* a fragment is not touched */
	len = syn(ip, 0, 1460, 0x02);
	store_be16(ip + 6, 0x2000 | 5);
	assert_int_equal(mss_clamp(ip, len, 1360), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clamps_v4_and_v6),
		cmocka_unit_test(test_leaves_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
