/* auth-gen-token tokens: made, checked, refused when forged, another
 * user's, expired, cut or padded; the secret file's format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ctl/authtoken.h"

static struct authtoken_key key;

static int setup(void **state)
{
	(void)state;
	return authtoken_key_random(&key);
}

static void test_round_trip(void **state)
{
	char t[AUTHTOKEN_MAX], t2[AUTHTOKEN_MAX];

	(void)state;
	assert_int_equal(authtoken_make(&key, "alice", NULL, 1000, t), 0);
	assert_memory_equal(t, "SESS_ID_AT_", 11);
	assert_int_equal(authtoken_check(&key, "alice", t, 1000, 0), AUTHTOKEN_OK);
	assert_int_equal(authtoken_check(&key, "alice", t, 5000, 3600), AUTHTOKEN_EXPIRED);
	assert_int_equal(authtoken_check(&key, "alice", t, 4000, 3600), AUTHTOKEN_OK);
	/* renewed: same session, its first issue time still counts */
	assert_int_equal(authtoken_make(&key, "alice", t, 4000, t2), 0);
	assert_string_not_equal(t, t2);
	assert_memory_equal(t, t2, 11 + 16); /* same session id in base64 */
	assert_int_equal(authtoken_check(&key, "alice", t2, 4601, 3600),
			 AUTHTOKEN_EXPIRED);
}

static void test_refusals(void **state)
{
	char t[AUTHTOKEN_MAX], bad[AUTHTOKEN_MAX + 8];
	struct authtoken_key other;

	(void)state;
	assert_int_equal(authtoken_make(&key, "alice", NULL, 1000, t), 0);
	assert_int_equal(authtoken_check(&key, "bob", t, 1000, 0), AUTHTOKEN_INVALID);
	assert_int_equal(authtoken_check(&key, "alice", "hunter2", 1000, 0),
			 AUTHTOKEN_NOT_A_TOKEN);
	assert_int_equal(authtoken_check(&key, "alice", NULL, 1000, 0),
			 AUTHTOKEN_NOT_A_TOKEN);
	/* every single character changed somewhere in the body */
	for (size_t i = 11; i < strlen(t); i++) {
		strcpy(bad, t);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		assert_int_not_equal(authtoken_check(&key, "alice", bad, 1000, 0),
				     AUTHTOKEN_OK);
	}
	strcpy(bad, t);
	bad[strlen(bad) - 3] = '\0';
	assert_int_equal(authtoken_check(&key, "alice", bad, 1000, 0), AUTHTOKEN_INVALID);
	snprintf(bad, sizeof(bad), "%sAAAA", t);
	assert_int_equal(authtoken_check(&key, "alice", bad, 1000, 0), AUTHTOKEN_INVALID);
	assert_int_equal(authtoken_check(&key, "alice", "SESS_ID_AT_", 1000, 0),
			 AUTHTOKEN_INVALID);
	assert_int_equal(authtoken_check(&key, "alice", "SESS_ID_AT_!!!!", 1000, 0),
			 AUTHTOKEN_INVALID);
	/* a token of another server (another key) */
	assert_int_equal(authtoken_key_random(&other), 0);
	assert_int_equal(authtoken_check(&other, "alice", t, 1000, 0), AUTHTOKEN_INVALID);
}

static void test_secret_file(void **state)
{
	/* the shape `openvpn --genkey auth-token` writes (128 bytes; here
	 * 244: only the first 128 count) */
	char pem[1024], err[128];
	struct authtoken_key a, b;
	char t[AUTHTOKEN_MAX];
	size_t n;

	(void)state;
	n = (size_t)snprintf(pem, sizeof(pem),
		"-----BEGIN OpenVPN auth-token server key-----\n");
	for (int line = 0; line < 5; line++)
		n += (size_t)snprintf(pem + n, sizeof(pem) - n, "%.64s\n",
			"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2");
	n += (size_t)snprintf(pem + n, sizeof(pem) - n, "QUJDRA==\n"
		"-----END OpenVPN auth-token server key-----\n");
	assert_int_equal(authtoken_key_parse(&a, pem, n, err, sizeof(err)), 0);
	assert_int_equal(authtoken_key_parse(&b, pem, n, err, sizeof(err)), 0);
	/* two servers with one secret accept each other's tokens */
	assert_int_equal(authtoken_make(&a, "u", NULL, 7, t), 0);
	assert_int_equal(authtoken_check(&b, "u", t, 8, 0), AUTHTOKEN_OK);
	assert_int_equal(authtoken_key_parse(&a, "junk", 4, err, sizeof(err)), -22);
	/* the HMAC key is bytes 64..95: a change before them changes nothing,
	 * inside them everything */
	pem[50] = pem[50] == 'A' ? 'B' : 'A';       /* decoded byte ~3 */
	assert_int_equal(authtoken_key_parse(&b, pem, n, err, sizeof(err)), 0);
	assert_int_equal(authtoken_check(&b, "u", t, 8, 0), AUTHTOKEN_OK);
	pem[46 + 65 + 40] = pem[46 + 65 + 40] == 'A' ? 'B' : 'A'; /* byte ~78 */
	assert_int_equal(authtoken_key_parse(&b, pem, n, err, sizeof(err)), 0);
	assert_int_equal(authtoken_check(&b, "u", t, 8, 0), AUTHTOKEN_INVALID);
	{
		static const char shortkey[] =
			"-----BEGIN OpenVPN auth-token server key-----\nQUJD\n"
			"-----END OpenVPN auth-token server key-----\n";

		assert_int_equal(authtoken_key_parse(&a, shortkey,
						     strlen(shortkey), err,
						     sizeof(err)), -22);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_secret_file),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
