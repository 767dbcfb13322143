/*
 * The >CLIENT notification environment's order (daemon/server_mgmt_env.c,
 * included here: daemon code is not in the library). Every kind is run,
 * so that a table without a row for one is read out of bounds under
 * AddressSanitizer (ESTABLISHED once read past the REAUTH-only mids).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/server_mgmt_env.c"

/* A client's variables in the order the script table sets them. */
static const char *const set_order[] = {
	"daemon=0", "verb=3", "proto_1=udp", "X509_0_CN=cli1",
	"tls_id_0=CN=cli1", "IV_VER=2.6.14", "IV_PLAT=linux",
	"username=good", "common_name=cli1", "untrusted_ip=198.18.0.2",
	"untrusted_port=5000", "password=secret",
	"ifconfig_pool_remote_ip=198.19.0.2", "time_ascii=now",
	"time_unix=1", "trusted_ip=198.18.0.2", "trusted_port=5000",
	"bytes_received=10", "bytes_sent=20", "time_duration=3", NULL,
};

static char **env_copy(void)
{
	size_t n = sizeof(set_order) / sizeof(set_order[0]);
	char **env = calloc(n, sizeof(*env));

	assert_non_null(env);
	for (size_t i = 0; set_order[i]; i++)
		assert_non_null(env[i] = strdup(set_order[i]));
	return env;
}

static int index_of(char **env, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; env[i]; i++)
		if (!strncmp(env[i], name, n) && env[i][n] == '=')
			return i;
	return -1;
}

static void env_free(char **env)
{
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

static void connect_leaves_out_client_connect_names(void **state)
{
	char **env = env_copy();

	(void)state;
	sma_env_order(env, SMA_ENV_CONNECT);
	assert_int_equal(index_of(env, "password"), 0);
	assert_int_equal(index_of(env, "trusted_ip"), -1);
	assert_int_equal(index_of(env, "bytes_sent"), -1);
	assert_int_equal(index_of(env, "ifconfig_pool_remote_ip"), -1);
	assert_true(index_of(env, "IV_VER") < index_of(env, "X509_0_CN"));
	assert_true(index_of(env, "X509_0_CN") < index_of(env, "verb"));
	env_free(env);
}

static void every_kind_keeps_every_name(void **state)
{
	size_t n = sizeof(set_order) / sizeof(set_order[0]) - 1;

	(void)state;
	for (int kind = SMA_ENV_REAUTH; kind < SMA_ENV_KINDS; kind++) {
		char **env = env_copy();
		size_t k = 0;

		sma_env_order(env, (enum sma_env)kind);
		while (env[k])
			k++;
		assert_int_equal(k, n);
		for (size_t i = 0; set_order[i]; i++) {
			char name[64];

			snprintf(name, sizeof(name), "%.*s",
				 (int)strcspn(set_order[i], "="), set_order[i]);
			assert_true(index_of(env, name) >= 0);
		}
		env_free(env);
	}
}

static void established_and_disconnect_heads(void **state)
{
	char **env = env_copy();

	(void)state;
	sma_env_order(env, SMA_ENV_ESTABLISHED);
	assert_int_equal(index_of(env, "ifconfig_pool_remote_ip"), 0);
	assert_true(index_of(env, "trusted_port") <
		    index_of(env, "common_name"));
	env_free(env);
	env = env_copy();
	sma_env_order(env, SMA_ENV_DISCONNECT);
	assert_int_equal(index_of(env, "time_duration"), 0);
	assert_true(index_of(env, "bytes_received") <
		    index_of(env, "trusted_port"));
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(connect_leaves_out_client_connect_names),
		cmocka_unit_test(every_kind_keeps_every_name),
		cmocka_unit_test(established_and_disconnect_heads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
