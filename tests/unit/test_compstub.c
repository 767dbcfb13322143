/* Compression framing stubs: exact bytes on the wire, and refusals. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/pkt.h"
#include "dco/compstub.h"

static uint8_t mem[PKT_HEADROOM + 256];
static struct pkt pk;

static struct pkt *with(const uint8_t *bytes, size_t len)
{
	pk.base = mem;
	pk.cap = sizeof(mem);
	pkt_reset(&pk);
	memcpy(pk.data, bytes, len);
	pk.len = (uint32_t)len;
	return &pk;
}

static const uint8_t ip[] = { 0x45, 0x00, 0x00, 0x14, 0xaa, 0xbb };

static void test_lzo_stub(void **state)
{
	struct pkt *p = with(ip, sizeof(ip));
	static const uint8_t wire[] = { 0xfa, 0x45, 0x00, 0x00, 0x14, 0xaa, 0xbb };

	(void)state;
	assert_int_equal(compstub_wrap(DCO_COMP_LZO_STUB, p), 0);
	assert_int_equal(p->len, sizeof(wire));
	assert_memory_equal(p->data, wire, sizeof(wire));
	assert_int_equal(compstub_unwrap(DCO_COMP_LZO_STUB, p), 0);
	assert_memory_equal(p->data, ip, sizeof(ip));
	/* LZO-compressed (0x66) or unframed payloads are refused */
	p = with((const uint8_t[]){ 0x66, 1, 2 }, 3);
	assert_int_equal(compstub_unwrap(DCO_COMP_LZO_STUB, p), -EPROTO);
	p = with(ip, sizeof(ip));
	assert_int_equal(compstub_unwrap(DCO_COMP_LZO_STUB, p), -EPROTO);
	p = with(ip, 0);
	assert_int_equal(compstub_unwrap(DCO_COMP_LZO_STUB, p), -EPROTO);
}

static void test_stub_swap(void **state)
{
	struct pkt *p = with(ip, sizeof(ip));
	static const uint8_t wire[] = { 0xfb, 0x00, 0x00, 0x14, 0xaa, 0xbb, 0x45 };

	(void)state;
	assert_int_equal(compstub_wrap(DCO_COMP_STUB_SWAP, p), 0);
	assert_int_equal(p->len, sizeof(wire));
	assert_memory_equal(p->data, wire, sizeof(wire));
	assert_int_equal(compstub_unwrap(DCO_COMP_STUB_SWAP, p), 0);
	assert_int_equal(p->len, sizeof(ip));
	assert_memory_equal(p->data, ip, sizeof(ip));
	p = with((const uint8_t[]){ 0x69, 1, 2 }, 3); /* LZ4 compressed */
	assert_int_equal(compstub_unwrap(DCO_COMP_STUB_SWAP, p), -EPROTO);
	p = with((const uint8_t[]){ 0xfb }, 1);
	assert_int_equal(compstub_unwrap(DCO_COMP_STUB_SWAP, p), -EPROTO);
}

static void test_stub_v2(void **state)
{
	struct pkt *p = with(ip, sizeof(ip));

	(void)state;
	/* an IP packet gets no bytes at all */
	assert_int_equal(compstub_wrap(DCO_COMP_STUB_V2, p), 0);
	assert_memory_equal(p->data, ip, sizeof(ip));
	assert_int_equal(compstub_unwrap(DCO_COMP_STUB_V2, p), 0);
	assert_int_equal(p->len, sizeof(ip));
	/* a payload starting with the escape byte is escaped */
	p = with((const uint8_t[]){ 0x50, 9 }, 2);
	assert_int_equal(compstub_wrap(DCO_COMP_STUB_V2, p), 0);
	assert_memory_equal(p->data, ((const uint8_t[]){ 0x50, 0, 0x50, 9 }), 4);
	assert_int_equal(compstub_unwrap(DCO_COMP_STUB_V2, p), 0);
	assert_memory_equal(p->data, ((const uint8_t[]){ 0x50, 9 }), 2);
	/* 2.6's own escape value is accepted; LZ4 (50 01) is refused */
	p = with((const uint8_t[]){ 0x50, 0x0a, 7 }, 3);
	assert_int_equal(compstub_unwrap(DCO_COMP_STUB_V2, p), 0);
	assert_int_equal(p->len, 1);
	p = with((const uint8_t[]){ 0x50, 0x01, 7 }, 3);
	assert_int_equal(compstub_unwrap(DCO_COMP_STUB_V2, p), -EPROTO);
	p = with((const uint8_t[]){ 0x50 }, 1);
	assert_int_equal(compstub_unwrap(DCO_COMP_STUB_V2, p), -EPROTO);
}

static void test_none_and_room(void **state)
{
	struct pkt *p = with(ip, sizeof(ip));

	(void)state;
	assert_int_equal(compstub_wrap(DCO_COMP_NONE, p), 0);
	assert_int_equal(compstub_unwrap(DCO_COMP_NONE, p), 0);
	assert_memory_equal(p->data, ip, sizeof(ip));
	p->data = p->base; /* no headroom left */
	assert_int_equal(compstub_wrap(DCO_COMP_LZO_STUB, p), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lzo_stub),
		cmocka_unit_test(test_stub_swap),
		cmocka_unit_test(test_stub_v2),
		cmocka_unit_test(test_none_and_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
