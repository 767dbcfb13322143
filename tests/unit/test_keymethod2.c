/*
 * Key method 2 (src/ctl/keymethod2.c): exact bytes of a fixed message, round
 * trips for both roles, every truncation, oversized and unterminated
 * strings, the method byte; the peer-info builder and lookups, against the
 * peer-info a real openvpn 2.6.14 client sent (its server's --verb 7 log).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/keymethod2.h"

#define BUF_LEN 12000

/* What Debian's openvpn 2.6.14 pull client sent (make-kdf-vectors.sh run). */
static const char real_peer_info[] =
	"IV_VER=2.6.14\nIV_PLAT=linux\nIV_TCPNL=1\nIV_MTU=1600\nIV_NCP=2\n"
	"IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\nIV_PROTO=990\n"
	"IV_LZO_STUB=1\nIV_COMP_STUB=1\nIV_COMP_STUBv2=1\n";

static void fixed_msg(struct km2_msg *m)
{
	memset(m, 0, sizeof(*m));
	memset(m->src.pre_master, 0x11, sizeof(m->src.pre_master));
	memset(m->src.random1, 0x22, sizeof(m->src.random1));
	memset(m->src.random2, 0x33, sizeof(m->src.random2));
	m->options = (char *)"V4,dev-type tun";
	m->username = (char *)"u";
	m->password = (char *)"pw";
	m->peer_info = (char *)"IV_VER=2.6.14\n";
}

static size_t compose(const struct km2_msg *m, enum tls_role r, uint8_t *buf)
{
	char err[KM2_ERR_LEN];
	size_t len = 0;

	assert_int_equal(km2_compose(m, r, buf, BUF_LEN, &len, err, sizeof(err)), 0);
	assert_int_equal(len, km2_size(m, r));
	return len;
}

static void test_exact_bytes(void **state)
{
	static const uint8_t tail[] = {
		0x00, 0x10, 'V', '4', ',', 'd', 'e', 'v', '-', 't', 'y', 'p', 'e',
		' ', 't', 'u', 'n', 0x00,
		0x00, 0x02, 'u', 0x00,
		0x00, 0x03, 'p', 'w', 0x00,
		0x00, 0x0f, 'I', 'V', '_', 'V', 'E', 'R', '=', '2', '.', '6', '.',
		'1', '4', '\n', 0x00,
	};
	uint8_t buf[BUF_LEN], want[5 + 48 + 64 + sizeof(tail)];
	struct km2_msg m;
	size_t len;

	(void)state;
	fixed_msg(&m);
	memset(want, 0, sizeof(want));
	want[4] = 2;
	memset(want + 5, 0x11, 48);
	memset(want + 53, 0x22, 32);
	memset(want + 85, 0x33, 32);
	memcpy(want + 117, tail, sizeof(tail));
	len = compose(&m, TLS_ROLE_CLIENT, buf);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));

	/* The server's: no pre_master; absent strings are u16 0. */
	m.username = m.password = m.peer_info = NULL;
	len = compose(&m, TLS_ROLE_SERVER, buf);
	assert_int_equal(len, 5 + 64 + 18 + 2 + 2 + 2);
	assert_memory_equal(buf + 5, want + 53, 64);
	assert_memory_equal(buf + 69, tail, 18);
	assert_int_equal(buf[len - 1], 0);
	assert_int_equal(buf[len - 6], 0);
}

static void test_round_trip(void **state)
{
	uint8_t buf[BUF_LEN];
	struct km2_msg m, out;
	char err[KM2_ERR_LEN];
	size_t len, used;

	(void)state;
	fixed_msg(&m);
	m.peer_info = (char *)real_peer_info;
	len = compose(&m, TLS_ROLE_CLIENT, buf);
	/* Trailing bytes (the next control message) are not consumed. */
	memcpy(buf + len, "PUSH_REQUEST", 13);
	assert_int_equal(km2_parse(&out, TLS_ROLE_CLIENT, buf, len + 13, &used,
				   err, sizeof(err)), 0);
	assert_int_equal(used, len);
	assert_true(out.has_pre_master);
	assert_memory_equal(&out.src, &m.src, sizeof(m.src));
	assert_string_equal(out.options, m.options);
	assert_string_equal(out.username, "u");
	assert_string_equal(out.password, "pw");
	assert_string_equal(out.peer_info, real_peer_info);
	assert_false(out.user_pass_too_long);
	assert_int_equal(out.method_flags, 2);
	km2_msg_clear(&out);
	assert_null(out.password);

	/* A server message parsed as the server's. */
	m.username = m.password = m.peer_info = NULL;
	m.options = (char *)"";
	len = compose(&m, TLS_ROLE_SERVER, buf);
	assert_int_equal(km2_parse(&out, TLS_ROLE_SERVER, buf, len, NULL, err,
				   sizeof(err)), 0);
	assert_false(out.has_pre_master);
	assert_memory_equal(out.src.random1, m.src.random1, KDF_RANDOM_LEN);
	assert_memory_equal(out.src.random2, m.src.random2, KDF_RANDOM_LEN);
	assert_string_equal(out.options, "");
	assert_string_equal(out.username, "");	/* u16 0: empty */
	assert_string_equal(out.peer_info, "");
	km2_msg_clear(&out);
}

/* Every prefix of a message: accepted only where the optional fields end. */
static void test_truncated(void **state)
{
	uint8_t buf[BUF_LEN];
	struct km2_msg m, out;
	char err[KM2_ERR_LEN];
	size_t len, ends[4];

	(void)state;
	fixed_msg(&m);
	len = compose(&m, TLS_ROLE_CLIENT, buf);
	ends[0] = 117 + 18;		/* after options */
	ends[1] = ends[0] + 4;		/* after username */
	ends[2] = ends[1] + 5;		/* after password */
	ends[3] = len;
	for (size_t cut = 0; cut <= len; cut++) {
		bool ok = cut == ends[0] || cut == ends[1] || cut == ends[2] ||
			  cut == ends[3];
		size_t used = 0;
		int ret = km2_parse(&out, TLS_ROLE_CLIENT, buf, cut, &used, err,
				    sizeof(err));

		if (ok) {
			assert_int_equal(ret, 0);
			assert_int_equal(used, cut);
		} else {
			assert_int_equal(ret, -EBADMSG);
			assert_non_null(strstr(err, "key method 2: truncated in "));
			assert_null(out.options);
		}
		km2_msg_clear(&out);
	}
	assert_int_equal(km2_parse(&out, TLS_ROLE_CLIENT, buf, 3, NULL, err,
				   sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method 2: truncated in header (3 of 5 bytes)");
}

/* head (client) + one string field with a raw length and content. */
static size_t raw_msg(uint8_t *buf, uint16_t n, const void *content, size_t clen)
{
	memset(buf, 0, 117);
	buf[4] = 2;
	buf[117] = (uint8_t)(n >> 8);
	buf[118] = (uint8_t)n;
	memcpy(buf + 119, content, clen);
	return 119 + clen;
}

static void test_bad_strings(void **state)
{
	static uint8_t buf[BUF_LEN], big[KM2_USER_PASS_MAX + 2];
	struct km2_msg out;
	char err[KM2_ERR_LEN];
	size_t len;

	(void)state;
	len = raw_msg(buf, 3, "abc", 3);	/* no NUL */
	assert_int_equal(km2_parse(&out, TLS_ROLE_CLIENT, buf, len, NULL, err,
				   sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method 2: options string is not one "
			    "NUL-terminated string");
	len = raw_msg(buf, 4, "a\0b", 4);	/* NUL inside */
	assert_int_equal(km2_parse(&out, TLS_ROLE_CLIENT, buf, len, NULL, err,
				   sizeof(err)), -EBADMSG);
	len = raw_msg(buf, 200, "abc", 4);	/* longer than the input */
	assert_int_equal(km2_parse(&out, TLS_ROLE_CLIENT, buf, len, NULL, err,
				   sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method 2: truncated in options string "
			    "(4 of 200 bytes)");
	memset(big, 'o', sizeof(big));
	big[KM2_OPTIONS_MAX] = 0;		/* 513 bytes with the NUL */
	len = raw_msg(buf, KM2_OPTIONS_MAX + 1, big, KM2_OPTIONS_MAX + 1);
	assert_int_equal(km2_parse(&out, TLS_ROLE_CLIENT, buf, len, NULL, err,
				   sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method 2: options string longer than 511 bytes");
	len = raw_msg(buf, KM2_OPTIONS_MAX, big + 1, KM2_OPTIONS_MAX);
	assert_int_equal(km2_parse(&out, TLS_ROLE_CLIENT, buf, len, NULL, err,
				   sizeof(err)), 0);
	assert_int_equal(strlen(out.options), KM2_OPTIONS_MAX - 1);
	km2_msg_clear(&out);
}

/* An over-long username is skipped and flagged; what follows still parses. */
static void test_user_pass_too_long(void **state)
{
	static uint8_t buf[BUF_LEN];
	struct km2_msg out;
	char err[KM2_ERR_LEN];
	size_t len, n = KM2_USER_PASS_MAX + 1;

	(void)state;
	len = raw_msg(buf, 1, "", 1);			/* options "" */
	buf[len++] = (uint8_t)(n >> 8);			/* username: 4097 */
	buf[len++] = (uint8_t)n;
	memset(buf + len, 'u', n - 1);
	buf[len + n - 1] = 0;
	len += n;
	memcpy(buf + len, "\x00\x03pw\x00\x00\x05IV_X\x00", 12);
	len += 12;
	assert_int_equal(km2_parse(&out, TLS_ROLE_CLIENT, buf, len, NULL, err,
				   sizeof(err)), 0);
	assert_true(out.user_pass_too_long);
	assert_null(out.username);
	assert_string_equal(out.password, "pw");
	assert_string_equal(out.peer_info, "IV_X");
	km2_msg_clear(&out);
}

static void test_method_byte(void **state)
{
	uint8_t buf[BUF_LEN];
	struct km2_msg m, out;
	char err[KM2_ERR_LEN];
	size_t len;

	(void)state;
	fixed_msg(&m);
	len = compose(&m, TLS_ROLE_CLIENT, buf);
	buf[4] = 1;
	assert_int_equal(km2_parse(&out, TLS_ROLE_CLIENT, buf, len, NULL, err,
				   sizeof(err)), -EBADMSG);
	assert_string_equal(err, "key method 2: unknown key method/flags 1");
	buf[4] = 0x12;		/* flag bits above the method are allowed */
	buf[0] = 0xff;		/* and the leading u32 is not looked at */
	assert_int_equal(km2_parse(&out, TLS_ROLE_CLIENT, buf, len, NULL, err,
				   sizeof(err)), 0);
	assert_int_equal(out.method_flags, 0x12);
	km2_msg_clear(&out);
}

static void test_compose_limits(void **state)
{
	static char big[KM2_USER_PASS_MAX + 1];
	uint8_t buf[BUF_LEN];
	struct km2_msg m;
	char err[KM2_ERR_LEN];
	size_t len;

	(void)state;
	fixed_msg(&m);
	assert_int_equal(km2_compose(&m, TLS_ROLE_CLIENT, buf, 100, &len, err,
				     sizeof(err)), -ENOSPC);
	memset(big, 'o', KM2_OPTIONS_MAX);
	m.options = big;
	assert_int_equal(km2_compose(&m, TLS_ROLE_CLIENT, buf, sizeof(buf), &len,
				     err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "key method 2: options string longer than 511 bytes");
	big[KM2_OPTIONS_MAX - 1] = 0;
	assert_int_equal(km2_compose(&m, TLS_ROLE_CLIENT, buf, sizeof(buf), &len,
				     err, sizeof(err)), 0);
	fixed_msg(&m);
	memset(big, 'p', KM2_USER_PASS_MAX);
	big[KM2_USER_PASS_MAX] = 0;
	m.password = big;
	assert_int_equal(km2_compose(&m, TLS_ROLE_CLIENT, buf, sizeof(buf), &len,
				     err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "key method 2: password longer than 4095 bytes");
}

static void test_peer_info_pull(void **state)
{
	struct km2_peer_info_cfg cfg = { .pull = true };
	char buf[1024], err[KM2_ERR_LEN];
	int n;

	(void)state;
	n = km2_peer_info(&cfg, buf, sizeof(buf), err, sizeof(err));
	/* 2.6.14's lines, in its order, less what dcovpn does not implement
	 * (compression; DNS_OPTION, AUTH_FAIL_TEMP bits), plus DYN_TLS_CRYPT,
	 * 2.7's DATA_EPOCH and PUSH_UPDATE (pull only):
	 * 2 + 4 + 8 + 16 + 128 + 512 + 1024 + 4096 = 5790. */
	assert_string_equal(buf, "IV_VER=2.6.14\nIV_PLAT=linux\nIV_TCPNL=1\n"
			    "IV_MTU=1600\nIV_NCP=2\n"
			    "IV_CIPHERS=AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305\n"
			    "IV_PROTO=5790\n");
	assert_int_equal(n, (int)strlen(buf));
	assert_int_equal(km2_peer_info_proto(buf), 5790);

	cfg.ciphers = "CHACHA20-POLY1305:AES-256-GCM";
	cfg.mtu = 1500;
	cfg.proto = KM2_IV_PROTO_DEFAULT | KM2_IV_PROTO_AUTH_FAIL_TEMP;
	cfg.gui_ver = "dcovpn-gui 1";
	assert_true(km2_peer_info(&cfg, buf, sizeof(buf), err, sizeof(err)) > 0);
	assert_string_equal(buf, "IV_VER=2.6.14\nIV_PLAT=linux\nIV_TCPNL=1\n"
			    "IV_MTU=1500\n"
			    "IV_CIPHERS=CHACHA20-POLY1305:AES-256-GCM\n"
			    "IV_PROTO=6046\nIV_GUI_VER=dcovpn-gui 1\n");
	/* AES-128-GCM as a substring of another name does not count. */
	cfg.ciphers = "XAES-128-GCM:AES-256-GCM";
	km2_peer_info(&cfg, buf, sizeof(buf), err, sizeof(err));
	assert_null(strstr(buf, "IV_NCP"));
	cfg.ciphers = "AES-256-GCM:AES-128-GCM";
	km2_peer_info(&cfg, buf, sizeof(buf), err, sizeof(err));
	assert_non_null(strstr(buf, "IV_NCP=2\n"));
}

static void test_peer_info_p2p_and_refusals(void **state)
{
	struct km2_peer_info_cfg cfg = { .pull = false };
	char buf[1024], err[KM2_ERR_LEN];

	(void)state;
	assert_true(km2_peer_info(&cfg, buf, sizeof(buf), err, sizeof(err)) > 0);
	/* P2P: detail level 1, NCP_P2P instead of REQUEST_PUSH:
	 * 2+8+32+128+512+1024. */
	assert_string_equal(buf, "IV_CIPHERS=AES-256-GCM:AES-128-GCM:"
			    "CHACHA20-POLY1305\nIV_PROTO=1706\n");
	cfg.proto = KM2_IV_PROTO_DEFAULT | (1u << 13);
	assert_int_equal(km2_peer_info(&cfg, buf, sizeof(buf), err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "peer-info: IV_PROTO bits 0x2000 are not "
			    "implemented by dcovpn");
	cfg.proto = 1u << 11;   /* a bit after 2.7's */
	assert_int_equal(km2_peer_info(&cfg, buf, sizeof(buf), err, sizeof(err)),
			 -EINVAL);
	cfg.proto = 0;
	cfg.ciphers = "AES-256-GCM\nIV_PROTO=1023";
	assert_int_equal(km2_peer_info(&cfg, buf, sizeof(buf), err, sizeof(err)),
			 -EINVAL);
	cfg.ciphers = NULL;
	assert_int_equal(km2_peer_info(&cfg, buf, 20, err, sizeof(err)), -ENOSPC);
	assert_int_equal(km2_peer_info(&cfg, buf, 0, err, sizeof(err)), -ENOSPC);
}

/* Epoch keys as 2.7 decides: the peer's bit, an AEAD cipher, DATA_V2. */
static void test_epoch_negotiated(void **state)
{
	unsigned v27 = 2 | 8 | 128 | KM2_IV_PROTO_DATA_EPOCH;

	(void)state;
	assert_true(km2_epoch_negotiated(v27, DCO_CIPHER_AES_256_GCM));
	assert_true(km2_epoch_negotiated(v27, DCO_CIPHER_CHACHA20_POLY1305));
	assert_false(km2_epoch_negotiated(v27, DCO_CIPHER_NONE));
	/* 2.6.14's IV_PROTO (990) has no DATA_EPOCH */
	assert_false(km2_epoch_negotiated(990, DCO_CIPHER_AES_256_GCM));
	assert_false(km2_epoch_negotiated(v27 & ~KM2_IV_PROTO_DATA_V2,
					  DCO_CIPHER_AES_256_GCM));
}

static void test_peer_info_lookup(void **state)
{
	char v[64];

	(void)state;
	assert_int_equal(km2_peer_info_proto(real_peer_info), 990);
	assert_int_equal(km2_peer_info_get(real_peer_info, "IV_VER", v, sizeof(v)), 0);
	assert_string_equal(v, "2.6.14");
	assert_int_equal(km2_peer_info_get(real_peer_info, "IV_COMP_STUBv2", v,
					   sizeof(v)), 0);
	assert_string_equal(v, "1");
	/* IV_COMP_STUB must not match IV_COMP_STUBv2, nor a prefix a name. */
	assert_int_equal(km2_peer_info_get(real_peer_info, "IV_COMP", v,
					   sizeof(v)), -ENOENT);
	assert_int_equal(km2_peer_info_get(real_peer_info, "IV_CIPHERS", v, 8),
			 -ENOSPC);
	assert_int_equal(km2_peer_info_get("", "IV_VER", v, sizeof(v)), -ENOENT);
	assert_int_equal(km2_peer_info_get(NULL, "IV_VER", v, sizeof(v)), -ENOENT);
	assert_int_equal(km2_peer_info_get("\n\nIV_VER=x", "IV_VER", v, sizeof(v)), 0);
	assert_string_equal(v, "x");
	/* First occurrence wins, as in OpenVPN. */
	assert_int_equal(km2_peer_info_proto("IV_PROTO=6\nIV_PROTO=990\n"), 6);
	assert_int_equal(km2_peer_info_proto("IV_PROTO=-2\n"), 0);
	assert_int_equal(km2_peer_info_proto("IV_PROTO=abc\n"), 0);
	assert_int_equal(km2_peer_info_proto("IV_PROTO=\n"), 0);
	assert_int_equal(km2_peer_info_proto(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_bytes),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_user_pass_too_long),
		cmocka_unit_test(test_method_byte),
		cmocka_unit_test(test_compose_limits),
		cmocka_unit_test(test_peer_info_pull),
		cmocka_unit_test(test_peer_info_p2p_and_refusals),
		cmocka_unit_test(test_peer_info_lookup),
		cmocka_unit_test(test_epoch_negotiated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
