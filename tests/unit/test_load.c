/*
 * dcovpn-load's own pieces (src/load): its data channel against the
 * engine's key slots (src/dco/keyslot.c, what a dcovpn server decrypts
 * with) in both directions, V1 and V2, every AEAD; tampered and short
 * packets refused; the echo request a valid IPv4/ICMP packet and the
 * reply recognised only when it is ours; the command line's refusals.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/pkt.h"
#include "dco/keyslot.h"
#include "io/csum.h"
#include "load/args.h"
#include "load/ldata.h"
#include "testbuf.h"

#define NOW 1000000u

static const enum dco_cipher aeads[] = {
	DCO_CIPHER_AES_128_GCM, DCO_CIPHER_AES_192_GCM, DCO_CIPHER_AES_256_GCM,
	DCO_CIPHER_CHACHA20_POLY1305,
};

/* The client's keys: encrypt with 0x11.., decrypt with 0x22.. */
static struct dco_key_config client_keys(enum dco_cipher c)
{
	struct dco_key_config kc = { .slot = DCO_KEY_PRIMARY, .key_id = 3,
				     .cipher = c };

	memset(kc.encrypt.key, 0x11, sizeof(kc.encrypt.key));
	memset(kc.encrypt.nonce_tail, 0x12, sizeof(kc.encrypt.nonce_tail));
	memset(kc.decrypt.key, 0x22, sizeof(kc.decrypt.key));
	memset(kc.decrypt.nonce_tail, 0x23, sizeof(kc.decrypt.nonce_tail));
	return kc;
}

/* The server's slot: the client's directions swapped. */
static void server_slot(struct keyslot *ks, const struct dco_key_config *ckc)
{
	struct dco_key_config kc = *ckc;

	kc.encrypt = ckc->decrypt;
	kc.decrypt = ckc->encrypt;
	assert_int_equal(keyslot_init(ks, &kc, 64, 15, DCO_AEAD_AUTO), 0);
}

static void roundtrip(enum dco_cipher c, int peer_id)
{
	struct dco_key_config kc = client_keys(c);
	const uint8_t msg[] = "load generator payload";
	uint8_t out[LDATA_PKT_MAX];
	const uint8_t *plain;
	struct keyslot srv;
	struct ldata d;
	struct buf b;
	struct pkt *p;
	ssize_t n;

	assert_int_equal(ldata_init(&d, &kc, peer_id), 0);
	server_slot(&srv, &kc);
	/* client -> server: the engine opens what ldata sealed */
	n = ldata_seal(&d, msg, sizeof(msg), out, sizeof(out));
	assert_true(n > 0);
	p = buf_fill(&b, out, (size_t)n);
	assert_int_equal(keyslot_decrypt(&srv, p, NOW), 0);
	assert_int_equal(p->len, sizeof(msg));
	assert_memory_equal(p->data, msg, sizeof(msg));
	/* server -> client: ldata opens what the engine sealed */
	p = buf_fill(&b, msg, sizeof(msg));
	assert_int_equal(keyslot_encrypt(&srv, 0, p, peer_id < 0 ? 0 :
					 (uint32_t)peer_id, peer_id < 0), 0);
	memcpy(out, p->data, p->len);
	n = ldata_open(&d, out, p->len, &plain);
	assert_int_equal(n, (ssize_t)sizeof(msg));
	assert_memory_equal(plain, msg, sizeof(msg));
	/* one flipped bit anywhere: refused */
	p = buf_fill(&b, msg, sizeof(msg));
	assert_int_equal(keyslot_encrypt(&srv, 0, p, 7, peer_id < 0), 0);
	memcpy(out, p->data, p->len);
	out[p->len - 1] ^= 1;
	assert_int_equal(ldata_open(&d, out, p->len, &plain), -EBADMSG);
	/* shorter than header + packet-id + tag */
	assert_int_equal(ldata_open(&d, out, 20, &plain), -EINVAL);
	keyslot_clear(&srv);
	ldata_free(&d);
	dco_key_config_wipe(&kc);
}

static void test_with_engine(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(aeads) / sizeof(aeads[0]); i++) {
		roundtrip(aeads[i], 0x123456);
		roundtrip(aeads[i], -1);
	}
}

static void test_no_aead(void **state)
{
	struct dco_key_config kc = client_keys(DCO_CIPHER_NONE);
	struct ldata d;

	(void)state;
	assert_int_equal(ldata_init(&d, &kc, 1), -EPROTONOSUPPORT);
}

static void test_seal_bounds(void **state)
{
	struct dco_key_config kc = client_keys(DCO_CIPHER_AES_256_GCM);
	uint8_t big[LDATA_PKT_MAX], out[64];
	struct ldata d;

	(void)state;
	memset(big, 0, sizeof(big));
	assert_int_equal(ldata_init(&d, &kc, 1), 0);
	assert_int_equal(ldata_seal(&d, big, 64, out, sizeof(out)), -ENOSPC);
	d.tx_id = UINT32_MAX;
	assert_int_equal(ldata_seal(&d, big, 8, out, sizeof(out)), -ERANGE);
	ldata_free(&d);
}

static void test_echo(void **state)
{
	struct dco_key_config kc = client_keys(DCO_CIPHER_AES_128_GCM);
	uint8_t pkt[256], reply[256];
	struct ldata d;
	size_t len;

	(void)state;
	assert_int_equal(ldata_init(&d, &kc, 1), 0);
	memcpy(d.vpn, (uint8_t[]){ 198, 19, 0, 2 }, 4);
	memcpy(d.gw, (uint8_t[]){ 198, 19, 0, 1 }, 4);
	d.echo_id = 77;
	assert_int_equal(ldata_echo(&d, pkt, 40, 56), 0);  /* no room */
	len = ldata_echo(&d, pkt, sizeof(pkt), 56);
	assert_int_equal(len, 20 + 8 + 56);
	/* both checksums verify: the sum over a checksummed part is 0 */
	assert_int_equal(csum_finish(csum_add(0, pkt, 20)), 0);
	assert_int_equal(csum_finish(csum_add(0, pkt + 20, len - 20)), 0);
	assert_int_equal(pkt[20], 8);
	/* the kernel's reply: addresses swapped, type 0 */
	memcpy(reply, pkt, len);
	memcpy(reply + 12, d.gw, 4);
	memcpy(reply + 16, d.vpn, 4);
	reply[20] = 0;
	assert_true(ldata_is_echo_reply(&d, reply, len));
	assert_false(ldata_is_echo_reply(&d, pkt, len));        /* a request */
	reply[25] ^= 1;                                          /* not our id */
	assert_false(ldata_is_echo_reply(&d, reply, len));
	reply[25] ^= 1;
	assert_false(ldata_is_echo_reply(&d, reply, 27));       /* truncated */
	reply[0] = 0x4f;                                         /* ihl past end */
	assert_false(ldata_is_echo_reply(&d, reply, len));
	ldata_free(&d);
}

static int parse(struct load_args *a, const char *const *argv, int argc)
{
	char *v[16];

	for (int i = 0; i < argc; i++)
		v[i] = (char *)argv[i];
	return load_args_parse(a, argc, v);
}

static void test_args(void **state)
{
	struct load_args a;

	(void)state;
	assert_int_equal(parse(&a, (const char *[]){ "x", "--config", "c",
		"--clients", "7", "--source", "198.18.128.0/17" }, 7), 0);
	assert_int_equal(a.clients, 7);
	assert_false(load_args_echo(&a) && a.pps);      /* default: pings */
	assert_int_equal(parse(&a, (const char *[]){ "x", "--config", "c",
		"--ping-ms", "0", "--pps", "2500" }, 7), 0);
	assert_true(load_args_echo(&a));
	assert_int_equal(a.pps, 2500);
	assert_int_equal(parse(&a, (const char *[]){ "x", "--config", "c",
		"--clients", "7", "--source", "198.18.128.0/17" }, 7), 0);
	assert_int_equal(a.src_first, 0xc6128001u);
	assert_int_equal(a.src_count, 32766);
	assert_int_equal(parse(&a, (const char *[]){ "x", "--config", "c",
		"--source", "198.18.0.9" }, 5), 0);
	assert_int_equal(a.src_first, 0xc6120009u);
	assert_int_equal(a.src_count, 1);
	fprintf(stderr, "# refusals follow\n");
	assert_int_equal(parse(&a, (const char *[]){ "x" }, 1), -EINVAL);
	assert_int_equal(parse(&a, (const char *[]){ "x", "--config", "c",
		"--clients", "0" }, 5), -EINVAL);
	assert_int_equal(parse(&a, (const char *[]){ "x", "--config", "c",
		"--clients", "-1" }, 5), -EINVAL);
	assert_int_equal(parse(&a, (const char *[]){ "x", "--config", "c",
		"--rate", "12x" }, 5), -EINVAL);
	assert_int_equal(parse(&a, (const char *[]){ "x", "--config", "c",
		"--source", "198.18.0.0/7" }, 5), -EINVAL);
	assert_int_equal(parse(&a, (const char *[]){ "x", "--config", "c",
		"--source", "fd00::/64" }, 5), -EINVAL);
	assert_int_equal(parse(&a, (const char *[]){ "x", "--config", "c",
		"stray" }, 4), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_with_engine),
		cmocka_unit_test(test_no_aead),
		cmocka_unit_test(test_seal_bounds),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
