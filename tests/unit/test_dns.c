/*
 * --dns through the option parser (config text and PUSH_REPLY), with
 * OpenVPN's grammar and messages; the dns_* script variables in OpenVPN's
 * names and order; and the choices made for a one-set-per-link resolver.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf/dns.h"
#include "conf/options.h"

static int parse(struct options *o, const char *text, char *err)
{
	options_init(o);
	return options_parse_text(o, "e.conf", text, strlen(text), err,
				  OPT_ERR_LEN);
}

static void expect_error(const char *text, const char *msg)
{
	struct options o;
	char err[OPT_ERR_LEN] = "";

	assert_int_equal(parse(&o, text, err), -EINVAL);
	assert_string_equal(err, msg);
	options_free(&o);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("dns server 200 address 198.18.0.1\n",
		     "e.conf:1: --dns server: invalid priority value '200'");
	expect_error("dns server x address 198.18.0.1\n",
		     "e.conf:1: --dns server: invalid priority value 'x'");
	expect_error("dns server 1 address 198.18.0.1:0\n",
		     "e.conf:1: --dns server 1: malformed address or maximum "
		     "exceeded '198.18.0.1:0'");
	expect_error("dns server 1 address [fd00::1]53\n",
		     "e.conf:1: --dns server 1: malformed address or maximum "
		     "exceeded '[fd00::1]53'");
	expect_error("dns server 1 address 1 2 3 4 5 6 7 8 9\n",
		     "e.conf:1: --dns server 1: malformed address or maximum "
		     "exceeded '1'");
	expect_error("dns server 1 dnssec maybe\n",
		     "e.conf:1: --dns server 1: malformed dnssec value 'maybe'");
	expect_error("dns server 1 transport DoQ\n",
		     "e.conf:1: --dns server 1: malformed transport value 'DoQ'");
	expect_error("dns server 1 resolve-domains a\"b\n",
		     "e.conf:1: --dns server 1: resolve-domains contain invalid "
		     "characters");
	expect_error("dns search-domains ok bad/one\n",
		     "e.conf:1: --dns search-domains contain invalid characters");
	expect_error("dns server 1 color blue\n",
		     "e.conf:1: --dns server 1: unknown option type 'color' or "
		     "missing or unknown parameter");
	expect_error("dns nameserver 1\n",
		     "e.conf:1: --dns: unknown option type 'nameserver' or "
		     "missing or unknown parameter");
}

struct collected {
	char (*v)[96];
	size_t *n;
};

static void collect(void *c, const char *name, const char *value)
{
	struct collected *k = c;

	snprintf(k->v[*k->n], 96, "%s=%s", name, value);
	(*k->n)++;
}

static void test_parse_and_env(void **state)
{
	static const char *const want[] = {
		"dns_search_domain_1=corp.example",
		"dns_server_1_address_1=198.18.0.9",
		"dns_server_2_address_1=198.18.0.53",
		"dns_server_2_address_2=fd00::53",
		"dns_server_2_port_2=5353",
		"dns_server_2_resolve_domain_1=a.example",
		"dns_server_2_dnssec=optional",
		"dns_server_2_transport=DoT",
		"dns_server_2_sni=dns.example",
	};
	struct options o;
	char err[OPT_ERR_LEN] = "", got[16][96];
	size_t n = 0;
	struct collected ctx = { got, &n };

	(void)state;
	assert_int_equal(parse(&o,
		"dns server 5 address 198.18.0.53 [fd00::53]:5353\n"
		"dns server 5 resolve-domains a.example\n"
		"dns server 5 dnssec optional\n"
		"dns server 5 transport DoT\n"
		"dns server 5 sni dns.example\n"
		"dns server -3 address 198.18.0.9\n"
		"dns search-domains corp.example\n", err), 0);
	assert_int_equal(o.dns.n_servers, 2);
	assert_int_equal(o.dns.servers[0].priority, -3);
	dns_env(&o.dns, collect, &ctx);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i], want[i]);
	options_free(&o);
}

/* A pushed profile replaces the local one of the same priority; pushed
 * priorities are 0..127; a profile without address fails the check. */
static void test_pull_merge(void **state)
{
	struct options o;
	char err[OPT_ERR_LEN] = "";
	static const char push[] =
		"dns server 1 address 198.18.1.1,dns server 2 address 198.18.2.2";

	(void)state;
	assert_int_equal(parse(&o, "dns server 1 address 198.18.0.1 198.18.0.2\n"
			       "dns server 1 dnssec yes\n"
			       "dns server 3 address 198.18.0.3\n", err), 0);
	assert_int_equal(options_apply_push(&o, push, strlen(push), err,
					    OPT_ERR_LEN), 0);
	assert_int_equal(o.dns.n_servers, 3);
	assert_int_equal(o.dns.servers[0].n_addr, 1);
	assert_int_equal(o.dns.servers[0].addr[0].bytes[2], 1);
	assert_int_equal(o.dns.servers[0].dnssec, DNS_DNSSEC_UNSET);
	assert_int_equal(o.dns.servers[2].priority, 3);
	/* a negative priority may not be pushed: skipped, with the message */
	assert_int_equal(options_apply_push(&o, "dns server -1 address 198.18.9.9",
					    32, err, OPT_ERR_LEN), 1);
	assert_non_null(strstr(err, "invalid priority value '-1'"));
	assert_int_equal(o.dns.n_servers, 3);
	options_free(&o);

	assert_int_equal(parse(&o, "client\ndev tun\nremote 198.18.0.1\n"
			       "ca /dev/null\ncert /dev/null\nkey /dev/null\n"
			       "dns server 4 dnssec yes\n", err), 0);
	assert_int_equal(options_check(&o, err, OPT_ERR_LEN), -EINVAL);
	assert_non_null(strstr(err, "--dns server without an address"));
	options_free(&o);
}

static void put_domain(void *ctx, const char *name, bool routing)
{
	char *out = ctx;

	strcat(out, routing ? "~" : "");
	strcat(out, name);
	strcat(out, " ");
}

static void test_link_choice(void **state)
{
	struct options o;
	char err[OPT_ERR_LEN] = "", doms[256] = "";
	const struct dns_server *s;

	(void)state;
	assert_int_equal(parse(&o, "dns server 0 address 198.18.0.1\n"
			       "dns server 0 transport DoH\n"
			       "dns server 1 address 198.18.0.2\n"
			       "dns server 1 resolve-domains a.example b.example\n"
			       "dns search-domains a.example\n", err), 0);
	s = dns_link_profile(&o.dns);
	assert_non_null(s);
	assert_int_equal(s->priority, 1);
	dns_link_domains(&o.dns, s, put_domain, doms);
	assert_string_equal(doms, "a.example ~b.example ");
	options_free(&o);

	assert_int_equal(parse(&o, "dns server 0 address 198.18.0.1\n", err), 0);
	doms[0] = '\0';
	dns_link_domains(&o.dns, dns_link_profile(&o.dns), put_domain, doms);
	assert_string_equal(doms, "~. ");
	options_free(&o);

	assert_int_equal(parse(&o, "dns server 0 address 198.18.0.1\n"
			       "dns server 0 transport DoH\n", err), 0);
	assert_null(dns_link_profile(&o.dns));
	options_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_parse_and_env),
		cmocka_unit_test(test_pull_merge),
		cmocka_unit_test(test_link_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
