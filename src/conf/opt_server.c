/*
 * Server option handlers (see opt_server.h). `server NET MASK` only records
 * the network: what OpenVPN's helper expands it to (ifconfig, pool, pushed
 * topology / route-gateway / route) is derived by the server at start,
 * once the topology is known whatever the order of the lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/opt_server.h"
#include "conf/optable.h"

struct opt_server *opt_server_get(struct options *o)
{
	if (!o->srv) {
		o->srv = calloc(1, sizeof(*o->srv));
		if (o->srv) {
			o->srv->max_clients = 1024;
			o->srv->max_routes = 256;
			o->srv->pool_persist_secs = 600;
			o->srv->status_version = 1;
		}
	}
	return o->srv;
}

void opt_server_free(struct opt_server *s)
{
	if (!s)
		return;
	opt_strv_free(&s->push);
	opt_strv_free(&s->push_remove);
	free(s->pool_persist);
	free(s->ccd_dir);
	free(s->auth_user_pass_verify);
	free(s->client_connect);
	free(s->tls_crypt_v2_verify);
	free(s->client_disconnect);
	free(s->learn_address);
	free(s->auth_token_secret);
	free(s->iroutes);
	free(s);
}

static int ip4(struct opt_ctx *c, const char *s, struct in_addr *out)
{
	return optval_ip4(c, s, out);
}

/* A netmask must be contiguous ones. */
static int netmask(struct opt_ctx *c, const char *s, struct in_addr *out)
{
	uint32_t m, inv;

	if (ip4(c, s, out))
		return -EINVAL;
	m = ntohl(out->s_addr);
	inv = ~m;
	if (inv & (inv + 1))
		return opt_fail(c, "--%s: %s is not a valid netmask", c->name, s);
	return 0;
}

static int h_server_net(struct opt_ctx *c, struct opt_server *s, char **argv,
			unsigned int argc)
{
	uint32_t net, mask;

	if (ip4(c, argv[1], &s->net) || netmask(c, argv[2], &s->mask))
		return -EINVAL;
	if (argc > 3 && strcmp(argv[3], "nopool"))
		return opt_fail(c, "--server: third parameter must be 'nopool'");
	net = ntohl(s->net.s_addr);
	mask = ntohl(s->mask.s_addr);
	if (net & ~mask)
		return opt_fail(c, "--server: network %s has host bits set for "
				"netmask %s", argv[1], argv[2]);
	if (~mask < 7u)
		return opt_fail(c, "--server: netmask %s is too small (at most "
				"/29)", argv[2]);
	s->nopool = argc > 3;
	s->server_set = true;
	s->mode_server = true;
	c->o->tls_server = true;
	return 0;
}

/* In the bridge's subnet: as OpenVPN's verify_common_subnet. */
static bool same_net(struct in_addr a, struct in_addr b, struct in_addr m)
{
	return (a.s_addr & m.s_addr) == (b.s_addr & m.s_addr);
}

/*
 * server-bridge GW MASK START END: a server whose tap the admin bridges to
 * a LAN; clients get addresses START..END with MASK and GW pushed as
 * route-gateway. server-bridge [nogw]: no pool (the LAN's DHCP), and
 * "route-gateway dhcp" pushed unless nogw. (OpenVPN's helper.c)
 */
static int h_server_bridge(struct opt_ctx *c, struct opt_server *s,
			   char **argv, unsigned int argc)
{
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "nogw"))) {
		s->bridge_dhcp = true;
		s->bridge_nogw = argc == 2;
	} else if (argc == 5) {
		if (ip4(c, argv[1], &s->bridge_gw) ||
		    netmask(c, argv[2], &s->pool_mask) ||
		    ip4(c, argv[3], &s->pool_start) || ip4(c, argv[4], &s->pool_end))
			return -EINVAL;
		if (!same_net(s->bridge_gw, s->pool_start, s->pool_mask) ||
		    !same_net(s->pool_start, s->pool_end, s->pool_mask))
			return opt_fail(c, "--server-bridge: gateway and pool "
					"are not in one subnet of netmask %s",
					argv[2]);
		if (ntohl(s->pool_start.s_addr) > ntohl(s->pool_end.s_addr))
			return opt_fail(c, "--server-bridge: pool start is "
					"above its end");
		if (s->pool_set)
			return opt_fail(c, "--server-bridge already defines an "
					"ifconfig-pool, so you can't also "
					"specify --ifconfig-pool explicitly");
		s->bridge = true;
		s->pool_set = true;
	} else {
		return opt_fail(c, "--server-bridge: give GATEWAY NETMASK "
				"POOL-START POOL-END, nogw, or nothing");
	}
	s->mode_server = true;
	c->o->tls_server = true;
	return 0;
}

static int h_server6(struct opt_ctx *c, struct opt_server *s, char **argv)
{
	if (optval_ip6_bits(c, argv[1], &s->net6, &s->bits6))
		return -EINVAL;
	if (s->bits6 < 64 || s->bits6 > 124)
		return opt_fail(c, "--server-ipv6: prefix length must be "
				"between /64 and /124");
	s->server6_set = true;
	return 0;
}

/* ifconfig-ipv6-pool ADDR/BITS: clients' IPv6 addresses from ADDR on, in
 * step with the IPv4 pool (the server's own: ifconfig-ipv6). */
static int h_pool6(struct opt_ctx *c, struct opt_server *s, char **argv)
{
	if (optval_ip6_bits(c, argv[1], &s->pool6, &s->pool6_bits))
		return -EINVAL;
	if (s->pool6_bits < 64 || s->pool6_bits > 124)
		return opt_fail(c, "--ifconfig-ipv6-pool: prefix length must be "
				"between /64 and /124");
	s->pool6_set = true;
	return 0;
}

static int h_pool(struct opt_ctx *c, struct opt_server *s, char **argv,
		  unsigned int argc)
{
	if (ip4(c, argv[1], &s->pool_start) || ip4(c, argv[2], &s->pool_end))
		return -EINVAL;
	if (argc > 3 && netmask(c, argv[3], &s->pool_mask))
		return -EINVAL;
	if (s->bridge)
		return opt_fail(c, "--server-bridge already defines an "
				"ifconfig-pool, so you can't also specify "
				"--ifconfig-pool explicitly");
	if (ntohl(s->pool_start.s_addr) > ntohl(s->pool_end.s_addr))
		return opt_fail(c, "--ifconfig-pool: start is above end");
	s->pool_set = true;
	return 0;
}

static int h_iroute(struct opt_ctx *c, struct opt_server *s, char **argv,
		    unsigned int argc, bool v6)
{
	struct opt_iroute *r;
	struct in_addr a, m = { .s_addr = 0xffffffffu };
	int bits;

	r = opt_grow(&s->iroutes, &s->n_iroutes, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (v6) {
		r->family = AF_INET6;
		if (optval_ip6_bits(c, argv[1], &r->addr, &bits))
			goto bad;
		r->bits = bits < 0 ? 128u : (unsigned)bits;
		return 0;
	}
	r->family = AF_INET;
	if (ip4(c, argv[1], &a) || (argc > 2 && netmask(c, argv[2], &m)))
		goto bad;
	a.s_addr &= m.s_addr;
	memcpy(&r->addr, &a, sizeof(a));
	r->bits = (unsigned)__builtin_popcount(m.s_addr);
	return 0;
bad:
	s->n_iroutes--;
	return -EINVAL;
}

static int h_ifconfig_push(struct opt_ctx *c, struct opt_server *s,
			   char **argv)
{
	if (ip4(c, argv[1], &s->ifconfig_push_local) ||
	    ip4(c, argv[2], &s->ifconfig_push_mask))
		return -EINVAL;
	s->ifconfig_push_set = true;
	return 0;
}

static int h_ifconfig6_push(struct opt_ctx *c, struct opt_server *s,
			    char **argv)
{
	if (optval_ip6_bits(c, argv[1], &s->ifconfig_ipv6_push,
			    &s->ifconfig_ipv6_push_bits))
		return -EINVAL;
	if (s->ifconfig_ipv6_push_bits < 0)
		s->ifconfig_ipv6_push_bits = 64;
	s->ifconfig_ipv6_push_set = true;
	return 0;
}

static int h_auth_verify(struct opt_ctx *c, struct opt_server *s,
			 char **argv)
{
	if (!strcmp(argv[2], "via-file"))
		s->auth_verify_via_file = true;
	else if (!strcmp(argv[2], "via-env"))
		s->auth_verify_via_file = false;
	else
		return opt_fail(c, "--auth-user-pass-verify: second parameter "
				"must be 'via-env' or 'via-file'");
	return opt_strset(&s->auth_user_pass_verify, argv[1]);
}

static int h_vcc(struct opt_ctx *c, struct opt_server *s, char **argv)
{
	static const char *const w[] = { "require", "optional", "none", NULL };
	int i = optval_word(c, argv[1], w);

	if (i < 0)
		return -EINVAL;
	s->verify_client_cert = (enum opt_verify_client)i;
	return 0;
}

static int h_mode(struct opt_ctx *c, struct opt_server *s, char **argv)
{
	static const char *const w[] = { "p2p", "server", NULL };
	int i = optval_word(c, argv[1], w);

	if (i < 0)
		return -EINVAL;
	s->mode_server = i == 1;
	if (s->mode_server)
		c->o->tls_server = true;
	return 0;
}

static int h_persist(struct opt_ctx *c, struct opt_server *s, char **argv,
		     unsigned int argc)
{
	if (argc > 2 && optval_int(c, argv[2], 0, INT_MAX, &s->pool_persist_secs))
		return -EINVAL;
	return opt_strset(&s->pool_persist, argv[1]);
}

/* connect-freq N SEC, connect-freq-initial N SEC */
static int h_freq(struct opt_ctx *c, char **argv, int *n, int *secs)
{
	int ret = optval_int(c, argv[1], 1, INT_MAX, n);

	return ret ? ret : optval_int(c, argv[2], 1, 86400, secs);
}

static int h_server_flag(struct opt_ctx *c, struct opt_server *s,
			 const char *n)
{
	(void)c;
	if (!strcmp(n, "client-to-client"))
		s->client_to_client = true;
	else if (!strcmp(n, "duplicate-cn"))
		s->duplicate_cn = true;
	else if (!strcmp(n, "ccd-exclusive"))
		s->ccd_exclusive = true;
	else if (!strcmp(n, "username-as-common-name"))
		s->username_as_cn = true;
	else if (!strcmp(n, "force-tls-key-material-export"))
		s->force_tls_ekm = true;
	else if (!strcmp(n, "push-reset"))
		s->push_reset = true;
	else if (!strcmp(n, "disable"))
		s->disable = true;
	else
		return -ENOENT;
	if (s->push_reset)
		opt_strv_free(&s->push);
	return 0;
}

static int h_server_str(struct opt_ctx *c, struct opt_server *s,
			const char *n, const char *v)
{
	if (!strcmp(n, "push"))
		return opt_strv_push(&s->push, v);
	if (!strcmp(n, "push-remove"))
		return opt_strv_push(&s->push_remove, v);
	if (!strcmp(n, "client-config-dir"))
		return opt_strset(&s->ccd_dir, v);
	if (!strcmp(n, "client-connect"))
		return opt_strset(&s->client_connect, v);
	if (!strcmp(n, "client-disconnect"))
		return opt_strset(&s->client_disconnect, v);
	if (!strcmp(n, "learn-address"))
		return opt_strset(&s->learn_address, v);
	if (!strcmp(n, "tls-crypt-v2-verify"))
		return opt_strset(&s->tls_crypt_v2_verify, v);
	if (!strcmp(n, "tls-crypt-v2-max-age"))
		return optval_int(c, v, 1, INT_MAX, &s->tls_crypt_v2_max_age);
	if (!strcmp(n, "max-clients"))
		return optval_int(c, v, 1, 0xFFFFFE, &s->max_clients);
	if (!strcmp(n, "max-routes-per-client")) {
		/* OpenVPN reads any number and raises it to 1 */
		if (optval_int(c, v, INT_MIN, INT_MAX, &s->max_routes))
			return -EINVAL;
		if (s->max_routes < 1)
			s->max_routes = 1;
		return 0;
	}
	if (!strcmp(n, "status-version"))
		return optval_int(c, v, 1, 3, &s->status_version);
	return -ENOENT;
}

/* auth-gen-token [LIFETIME [RENEWAL [external-auth]]]: RENEWAL is read and
 * not acted on (tokens are renewed at each renegotiation, reneg-sec, which
 * is RENEWAL's default). */
static int h_auth_gen_token(struct opt_ctx *c, struct opt_server *s,
			    char **argv, unsigned int argc)
{
	int renewal = 0;

	s->auth_gen_token = true;
	s->auth_token_lifetime = 0;
	if (argc > 1 && optval_int(c, argv[1], 0, INT_MAX, &s->auth_token_lifetime))
		return -EINVAL;
	if (argc > 2 && optval_int(c, argv[2], 0, INT_MAX, &renewal))
		return -EINVAL;
	if (argc > 3 && strcmp(argv[3], "external-auth"))
		return opt_fail(c, "--auth-gen-token: the fourth parameter can "
				"only be 'external-auth'");
	return 0;
}

int h_server_opt(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		 unsigned int argc)
{
	struct opt_server *s = opt_server_get(c->o);
	const char *n = argv[0];
	int ret;

	(void)d;
	if (!s)
		return -ENOMEM;
	if (!strcmp(n, "server"))
		return h_server_net(c, s, argv, argc);
	if (!strcmp(n, "server-bridge"))
		return h_server_bridge(c, s, argv, argc);
	if (!strcmp(n, "server-ipv6"))
		return h_server6(c, s, argv);
	if (!strcmp(n, "mode"))
		return h_mode(c, s, argv);
	if (!strcmp(n, "ifconfig-ipv6-pool"))
		return h_pool6(c, s, argv);
	if (!strcmp(n, "ifconfig-pool"))
		return h_pool(c, s, argv, argc);
	if (!strcmp(n, "ifconfig-pool-persist"))
		return h_persist(c, s, argv, argc);
	if (!strcmp(n, "iroute"))
		return h_iroute(c, s, argv, argc, false);
	if (!strcmp(n, "iroute-ipv6"))
		return h_iroute(c, s, argv, argc, true);
	if (!strcmp(n, "ifconfig-push"))
		return h_ifconfig_push(c, s, argv);
	if (!strcmp(n, "ifconfig-ipv6-push"))
		return h_ifconfig6_push(c, s, argv);
	if (!strcmp(n, "auth-user-pass-verify"))
		return h_auth_verify(c, s, argv);
	if (!strcmp(n, "verify-client-cert"))
		return h_vcc(c, s, argv);
	if (!strcmp(n, "auth-gen-token"))
		return h_auth_gen_token(c, s, argv, argc);
	if (!strcmp(n, "auth-gen-token-secret"))
		return opt_strset(&s->auth_token_secret, argv[1]);
	if (!strcmp(n, "connect-freq"))
		return h_freq(c, argv, &s->connect_freq_n, &s->connect_freq_s);
	if (!strcmp(n, "connect-freq-initial"))
		return h_freq(c, argv, &s->connect_init_n, &s->connect_init_s);
	ret = argc > 1 ? h_server_str(c, s, n, argv[1]) :
			 h_server_flag(c, s, n);
	if (ret == -ENOENT)
		return opt_fail(c, "internal: no server handler for %s", n);
	return ret;
}
