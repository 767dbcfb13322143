/*
 * Pull: PUSH_REQUEST timing, PUSH_REPLY in one and in several parts, late
 * auth-token pushes, the server's AUTH_FAILED/RESTART/HALT/EXIT, and the
 * client's cipher check.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "conf/options.h"
#include "ctl/push.h"

static void test_timing(void **state)
{
	struct push p;

	(void)state;
	push_init(&p);
	assert_false(push_request_due(&p, 1000));
	assert_int_equal(push_next_deadline(&p), UINT64_MAX);
	push_start(&p, 1000, 60);
	assert_true(push_request_due(&p, 1000));
	assert_false(push_request_due(&p, 1000));
	assert_false(push_request_due(&p, 5999));
	assert_true(push_request_due(&p, 6000));
	assert_int_equal(push_next_deadline(&p), 11000);
	assert_int_equal(push_check_timeout(&p, 60999), 0);
	assert_int_equal(push_check_timeout(&p, 61000), -ETIMEDOUT);
}

static const char *reply =
	"PUSH_REPLY,route-gateway 10.8.0.1,topology subnet,ping 10,"
	"ping-restart 120,ifconfig 10.8.0.2 255.255.255.0,peer-id 3,"
	"cipher AES-256-GCM,protocol-flags cc-exit tls-ekm,tun-mtu 1500";

static void test_single_reply(void **state)
{
	struct options o;
	struct push p;
	struct in_addr a;

	(void)state;
	options_init(&o);
	push_init(&p);
	push_start(&p, 0, 60);
	assert_int_equal(push_message(&p, &o, reply), PUSH_DONE);
	assert_true(p.done);
	assert_int_equal(o.peer_id, 3);
	assert_int_equal(o.ping, 10);
	assert_int_equal(o.ping_restart, 120);
	assert_string_equal(o.cipher, "AES-256-GCM");
	assert_true(o.protocol_flags & OPT_PF_TLS_EKM);
	assert_true(o.protocol_flags & OPT_PF_CC_EXIT);
	assert_int_equal(o.topology, OPT_TOPO_SUBNET);
	assert_true(o.ifconfig_set);
	inet_pton(AF_INET, "10.8.0.2", &a);
	assert_int_equal(o.ifconfig_local.s_addr, a.s_addr);
	/* Done: no more requests, no timeout. */
	assert_false(push_request_due(&p, 100000));
	assert_int_equal(push_check_timeout(&p, 1000000), 0);
	/* A later reply (renewed auth-token) is applied, nothing restarts. */
	assert_int_equal(push_message(&p, &o, "PUSH_REPLY,auth-token SESS_ID_AT_x"),
			 PUSH_LATE);
	assert_string_equal(o.auth_token, "SESS_ID_AT_x");
	assert_int_equal(push_message(&p, &o, "PUSH_REPLY,auth-token SESS_ID_AT_y"),
			 PUSH_LATE);
	assert_string_equal(o.auth_token, "SESS_ID_AT_y");
	options_free(&o);
}

/* A server may push before we ask (IV_PROTO_REQUEST_PUSH): the reply is
 * taken without push_start, and then nothing is asked for. */
static void test_unasked_reply(void **state)
{
	struct options o;
	struct push p;

	(void)state;
	options_init(&o);
	push_init(&p);
	assert_false(push_replied(&p));
	assert_int_equal(push_message(&p, &o, "PUSH_REPLY,route 10.1.0.0 "
				      "255.255.0.0,push-continuation 2"),
			 PUSH_PARTIAL);
	assert_true(push_replied(&p));
	assert_int_equal(push_message(&p, &o, reply), PUSH_DONE);
	assert_true(push_replied(&p));
	push_start(&p, 0, 60);
	assert_false(push_request_due(&p, 0));
	assert_int_equal(push_check_timeout(&p, 1000000), 0);
	options_free(&o);
}

static void test_continuation(void **state)
{
	struct options o;
	struct push p;

	(void)state;
	options_init(&o);
	push_init(&p);
	push_start(&p, 0, 60);
	assert_int_equal(push_message(&p, &o, "PUSH_REPLY,route 10.1.0.0 "
				      "255.255.0.0,push-continuation 2"),
			 PUSH_PARTIAL);
	assert_false(p.done);
	assert_int_equal(push_message(&p, &o, "PUSH_REPLY,route 10.2.0.0 "
				      "255.255.0.0,push-continuation 2"),
			 PUSH_PARTIAL);
	assert_int_equal(push_message(&p, &o, "PUSH_REPLY,route 10.3.0.0 "
				      "255.255.0.0,peer-id 1,push-continuation 1"),
			 PUSH_DONE);
	assert_int_equal(p.parts, 3);
	assert_int_equal(o.n_routes, 3);
	assert_int_equal(o.peer_id, 1);
	options_free(&o);
}

static void test_control_messages(void **state)
{
	struct options o;
	struct push p;

	(void)state;
	options_init(&o);
	push_init(&p);
	assert_int_equal(push_message(&p, &o, "AUTH_FAILED"), PUSH_AUTH_FAILED);
	assert_int_equal(push_message(&p, &o, "AUTH_FAILED,bad password"),
			 PUSH_AUTH_FAILED);
	assert_int_equal(push_message(&p, &o, "RESTART"), PUSH_RESTART);
	assert_int_equal(push_message(&p, &o, "RESTART,server going down"),
			 PUSH_RESTART);
	assert_int_equal(push_message(&p, &o, "RESTART,[N]bye"), PUSH_RESTART_NEXT);
	assert_int_equal(push_message(&p, &o, "RESTART,[P]bye"), PUSH_RESTART);
	assert_int_equal(push_message(&p, &o, "HALT,bye"), PUSH_HALT);
	assert_int_equal(push_message(&p, &o, "EXIT"), PUSH_EXIT);
	assert_int_equal(push_message(&p, &o, "INFO,hello"), PUSH_IGNORED);
	assert_int_equal(push_message(&p, &o, "WHATEVER"), PUSH_IGNORED);
	assert_int_equal(push_message(&p, &o, ""), PUSH_IGNORED);
	options_free(&o);
}

static void set_opt(struct options *o, const char *line)
{
	char err[OPT_ERR_LEN];

	assert_int_equal(options_parse_text(o, "test", line, strlen(line), err,
					    sizeof(err)), 0);
}

static void test_cipher(void **state)
{
	struct options o;
	enum dco_cipher c;
	char err[256];

	(void)state;
	options_init(&o);
	assert_int_equal(push_cipher(&o, "AES-256-GCM", &c, err, sizeof(err)), 0);
	assert_int_equal(c, DCO_CIPHER_AES_256_GCM);
	assert_int_equal(push_cipher(&o, "chacha20-poly1305", &c, err,
				     sizeof(err)), 0);
	assert_int_equal(c, DCO_CIPHER_CHACHA20_POLY1305);
	/* Not in the default data-ciphers. */
	assert_int_equal(push_cipher(&o, "AES-192-GCM", &c, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "not allowed"));
	/* Nothing pushed, no fallback. */
	assert_int_equal(push_cipher(&o, NULL, &c, err, sizeof(err)), -EINVAL);
	/* data-ciphers restricts. */
	set_opt(&o, "data-ciphers AES-128-GCM\n");
	assert_int_equal(push_cipher(&o, "AES-256-GCM", &c, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(push_cipher(&o, "AES-128-GCM", &c, err, sizeof(err)), 0);
	/* The fallback is taken when nothing is pushed: AES-CBC too (the
	 * legacy data channel); a cipher the engine lacks is refused. */
	set_opt(&o, "data-ciphers-fallback AES-256-CBC\n");
	assert_int_equal(push_cipher(&o, NULL, &c, err, sizeof(err)), 0);
	assert_int_equal(c, DCO_CIPHER_AES_256_CBC);
	/* a pushed CBC cipher is allowed when data-ciphers lists it */
	assert_int_equal(push_cipher(&o, "AES-128-CBC", &c, err, sizeof(err)),
			 -EINVAL);
	set_opt(&o, "data-ciphers AES-128-GCM:AES-128-CBC\n");
	assert_int_equal(push_cipher(&o, "AES-128-CBC", &c, err, sizeof(err)), 0);
	assert_int_equal(c, DCO_CIPHER_AES_128_CBC);
	set_opt(&o, "data-ciphers-fallback BF-CBC\n");
	assert_int_equal(push_cipher(&o, NULL, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not supported"));
	set_opt(&o, "data-ciphers-fallback AES-256-GCM\n");
	assert_int_equal(push_cipher(&o, NULL, &c, err, sizeof(err)), 0);
	assert_int_equal(c, DCO_CIPHER_AES_256_GCM);
	options_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timing),
		cmocka_unit_test(test_single_reply),
		cmocka_unit_test(test_unasked_reply),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_control_messages),
		cmocka_unit_test(test_cipher),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
