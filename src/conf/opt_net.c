/* Handlers for device, transport, address and route options. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/resolve4.h"
#include "conf/lexer.h"
#include "conf/optable.h"

#define UNUSED_ARGS (void)d, (void)argc

int h_dev(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	  unsigned int argc)
{
	UNUSED_ARGS;
	/* dev-type, if given, wins; else the name says it, as OpenVPN. */
	if (!options_was_set(c->o, "dev-type")) {
		if (!strncmp(argv[1], "tun", 3))
			c->o->dev_type = OPT_DEV_TUN;
		else if (!strncmp(argv[1], "tap", 3))
			c->o->dev_type = OPT_DEV_TAP;
		else if (!strcmp(argv[1], "null"))
			c->o->dev_type = OPT_DEV_NULL;
	}
	return opt_strset(&c->o->dev, argv[1]);
}

int h_dev_type(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	       unsigned int argc)
{
	static const char *const words[] = { "tun", "tap", "null", NULL };
	int i = optval_word(c, argv[1], words);

	UNUSED_ARGS;
	if (i < 0)
		return i;
	c->o->dev_type = (enum opt_dev_type)(OPT_DEV_TUN + i);
	return 0;
}

int h_topology(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	       unsigned int argc)
{
	static const char *const words[] = { "net30", "p2p", "subnet", NULL };
	int i = optval_word(c, argv[1], words);

	UNUSED_ARGS;
	if (i < 0)
		return i;
	c->o->topology = (enum opt_topology)(OPT_TOPO_NET30 + i);
	return 0;
}

int h_tun_mtu(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	      unsigned int argc)
{
	int occ;

	UNUSED_ARGS;
	/* The second parameter is the MTU told to the peer: checked only. */
	if (argc > 2 && optval_int(c, argv[2], 0, 65535, &occ))
		return -EINVAL;
	return optval_int(c, argv[1], 48, 65535, &c->o->tun_mtu);
}

int h_mssfix(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	static const char *const words[] = { "mtu", "fixed", NULL };
	int i = 0;

	UNUSED_ARGS;
	c->o->mssfix_mtu = c->o->mssfix_fixed = false;
	if (argc == 1) {
		c->o->mssfix = 1492;	/* the value of a bare --mssfix */
		return 0;
	}
	if (optval_int(c, argv[1], 0, 65535, &c->o->mssfix))
		return -EINVAL;
	if (argc > 2 && (i = optval_word(c, argv[2], words)) < 0)
		return i;
	if (argc > 2)
		*(i ? &c->o->mssfix_fixed : &c->o->mssfix_mtu) = true;
	return 0;
}

int h_proto(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	    unsigned int argc)
{
	UNUSED_ARGS;
	return optval_transport(c, argv[1], &c->o->proto);
}

/* remote HOST [PORT [PROTO]]: appended, tried in order. */
int h_remote(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	struct options *o = c->o;
	struct opt_remote r = { 0 };
	struct opt_remote *slot;

	UNUSED_ARGS;
	if (o->n_remotes >= OPT_MAX_REMOTES)
		return opt_fail(c, "too many --remote entries (%d max)",
				OPT_MAX_REMOTES);
	if (argc > 2 && optval_port(c, argv[2], false))
		return -EINVAL;
	if (argc > 3 && optval_transport(c, argv[3], &r.tr))
		return -EINVAL;
	r.host = strdup(argv[1]);
	r.port = argc > 2 ? strdup(argv[2]) : NULL;
	slot = (r.host && (argc < 3 || r.port)) ?
	       opt_grow(&o->remotes, &o->n_remotes, sizeof(*slot)) : NULL;
	if (!slot) {
		free(r.host);
		free(r.port);
		return -ENOMEM;
	}
	*slot = r;
	return 0;
}

int h_port(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	   unsigned int argc)
{
	bool local = !strcmp(argv[0], "lport"), remote = !strcmp(argv[0], "rport");

	UNUSED_ARGS;
	if (optval_port(c, argv[1], local))
		return -EINVAL;
	if (local)
		c->o->lport_defined = true;
	if (!remote && opt_strset(&c->o->lport, argv[1]))
		return -ENOMEM;
	if (!local && opt_strset(&c->o->rport, argv[1]))
		return -ENOMEM;
	return 0;
}

int h_resolv_retry(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		   unsigned int argc)
{
	UNUSED_ARGS;
	if (!strcmp(argv[1], "infinite")) {
		c->o->resolv_retry = -1;
		return 0;
	}
	return optval_int(c, argv[1], 0, INT_MAX, &c->o->resolv_retry);
}

int h_connect_retry(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		    unsigned int argc)
{
	UNUSED_ARGS;
	if (optval_int(c, argv[1], 0, INT_MAX, &c->o->connect_retry))
		return -EINVAL;
	if (argc > 2)
		return optval_int(c, argv[2], 0, INT_MAX,
				  &c->o->connect_retry_max_delay);
	return 0;
}

/* ifconfig LOCAL REMOTE-OR-NETMASK (which one depends on topology). */
/* An IPv4 address, or with --allow-pull-fqdn what may be a host name
 * (OpenVPN's test, wherever the option comes from, for --ifconfig and
 * --route-gateway; for --route only on pushed ones). */
static bool addr_or_name(const struct opt_ctx *c, const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1 ||
	       (c->o->allow_pull_fqdn && resolve4_name_safe(s));
}

/* @s resolved now (OpenVPN resolves when it sets up the tun or the routes;
 * here the option is read: a pushed one when the PUSH_REPLY arrives). */
static int host4(struct opt_ctx *c, const char *s, struct in_addr *out)
{
	if (resolve4(s, out))
		return opt_fail(c, "RESOLVE: Cannot resolve host address: %s", s);
	return 0;
}

int h_ifconfig(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	       unsigned int argc)
{
	struct in_addr l, r;

	UNUSED_ARGS;
	if (!addr_or_name(c, argv[1]) || !addr_or_name(c, argv[2]))
		return opt_fail(c, "ifconfig parms '%s' and '%s' must be valid "
				"addresses", argv[1], argv[2]);
	if (host4(c, argv[1], &l) || host4(c, argv[2], &r))
		return -EINVAL;
	c->o->ifconfig_local = l;
	c->o->ifconfig_remote = r;
	c->o->ifconfig_set = true;
	return 0;
}

int h_ifconfig6(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		unsigned int argc)
{
	struct in6_addr l, r;
	int bits;

	UNUSED_ARGS;
	if (optval_ip6_bits(c, argv[1], &l, &bits) ||
	    optval_ip6(c, argv[2], &r))
		return -EINVAL;
	c->o->ifconfig6_local = l;
	c->o->ifconfig6_remote = r;
	c->o->ifconfig6_bits = bits;
	c->o->ifconfig6_set = true;
	return 0;
}

/* OpenVPN's route keywords that stand for an address. */
static bool route_special(const char *s)
{
	return !strcmp(s, "vpn_gateway") || !strcmp(s, "net_gateway") ||
	       !strcmp(s, "remote_host");
}

/* A pushed route names its network and gateway by address, by keyword, or
 * with --allow-pull-fqdn by host name (resolved when the route is added). */
static int route_pushed_checks(struct opt_ctx *c, char **argv,
			       unsigned int argc)
{
	if (!addr_or_name(c, argv[1]) && !route_special(argv[1]))
		return opt_fail(c, "route parameter network/IP '%s' must be a "
				"valid address", argv[1]);
	if (argc > 3 && strcmp(argv[3], "default") &&
	    !addr_or_name(c, argv[3]) && !route_special(argv[3]))
		return opt_fail(c, "route parameter gateway '%s' must be a "
				"valid address", argv[3]);
	return 0;
}

static int route_checks(struct opt_ctx *c, char **argv, unsigned int argc,
			int *metric)
{
	struct in_addr mask;

	*metric = -1;
	if (c->source == OPT_W_PUSH && route_pushed_checks(c, argv, argc))
		return -EINVAL;
	if (argc > 2 && strcmp(argv[2], "default") &&
	    optval_ip4(c, argv[2], &mask))
		return -EINVAL;
	if (argc > 4)
		return optval_int(c, argv[4], 0, INT_MAX, metric);
	return 0;
}

static char *dup_opt(char **argv, unsigned int argc, unsigned int i,
		     bool *oom)
{
	char *s;

	/* "default" in a route means "not given", as in OpenVPN. */
	if (i >= argc || !strcmp(argv[i], "default"))
		return NULL;
	s = strdup(argv[i]);
	if (!s)
		*oom = true;
	return s;
}

/* route NETWORK [NETMASK [GATEWAY [METRIC]]]; names are resolved later. */
int h_route(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	    unsigned int argc)
{
	struct options *o = c->o;
	struct opt_route r = { 0 }, *slot = NULL;
	bool oom;

	UNUSED_ARGS;
	if (route_checks(c, argv, argc, &r.metric))
		return -EINVAL;
	r.network = strdup(argv[1]);
	oom = !r.network;
	r.netmask = dup_opt(argv, argc, 2, &oom);
	r.gateway = dup_opt(argv, argc, 3, &oom);
	if (!oom)
		slot = opt_grow(&o->routes, &o->n_routes, sizeof(*slot));
	if (!slot) {
		free(r.network);
		free(r.netmask);
		free(r.gateway);
		return -ENOMEM;
	}
	*slot = r;
	return 0;
}

/* route-ipv6 NETWORK/BITS [GATEWAY [METRIC]] */
int h_route6(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	     unsigned int argc)
{
	struct options *o = c->o;
	struct opt_route6 r = { .metric = -1 }, *slot = NULL;
	struct in6_addr a;
	int bits;
	bool oom;

	UNUSED_ARGS;
	if (optval_ip6_bits(c, argv[1], &a, &bits))
		return -EINVAL;
	if (argc > 2 && strcmp(argv[2], "default") && optval_ip6(c, argv[2], &a))
		return -EINVAL;
	if (argc > 3 && optval_int(c, argv[3], 0, INT_MAX, &r.metric))
		return -EINVAL;
	r.network = strdup(argv[1]);
	oom = !r.network;
	r.gateway = dup_opt(argv, argc, 2, &oom);
	if (!oom)
		slot = opt_grow(&o->routes6, &o->n_routes6, sizeof(*slot));
	if (!slot) {
		free(r.network);
		free(r.gateway);
		return -ENOMEM;
	}
	*slot = r;
	return 0;
}

int h_route_gateway(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		    unsigned int argc)
{
	struct in_addr a;
	char quad[INET_ADDRSTRLEN];

	UNUSED_ARGS;
	if (!strcmp(argv[1], "dhcp"))
		return opt_strset(&c->o->route_gateway, argv[1]);
	if (!addr_or_name(c, argv[1]))
		return opt_fail(c, "route-gateway parm '%s' must be a valid "
				"address", argv[1]);
	/* a name is kept as the address it has now */
	if (host4(c, argv[1], &a))
		return -EINVAL;
	inet_ntop(AF_INET, &a, quad, sizeof(quad));
	return opt_strset(&c->o->route_gateway, quad);
}

static const struct {
	const char *name;
	unsigned int flag;
} redirect_flags[] = {
	{ "local", OPT_REDIR_LOCAL },
	{ "autolocal", OPT_REDIR_AUTOLOCAL },
	{ "def1", OPT_REDIR_DEF1 },
	{ "bypass-dhcp", OPT_REDIR_BYPASS_DHCP },
	{ "bypass-dns", OPT_REDIR_BYPASS_DNS },
	{ "block-local", OPT_REDIR_BLOCK_LOCAL },
	{ "ipv6", OPT_REDIR_IPV6 },
	{ "!ipv4", OPT_REDIR_NOT_IPV4 },
};

/* redirect-gateway / redirect-private [FLAGS...] */
int h_redirect(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	       unsigned int argc)
{
	unsigned int flags = OPT_REDIR_ENABLE;

	for (unsigned int i = 1; i < argc; i++) {
		size_t k = 0, n = sizeof(redirect_flags) / sizeof(redirect_flags[0]);

		while (k < n && strcmp(argv[i], redirect_flags[k].name))
			k++;
		if (k == n)
			return opt_fail(c, "--%s: unknown flag '%s'", argv[0],
					argv[i]);
		flags |= redirect_flags[k].flag;
	}
	*(unsigned int *)((char *)c->o + d->off) = flags;
	return 0;
}

/* dhcp-option TYPE [VALUE]: kept as given, exported to scripts later. */
int h_dhcp_option(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		  unsigned int argc)
{
	struct in_addr a4;
	struct in6_addr a6;

	(void)d;
	if (argc > 2 && !strcmp(argv[1], "DNS") &&
	    inet_pton(AF_INET, argv[2], &a4) != 1 &&
	    inet_pton(AF_INET6, argv[2], &a6) != 1)
		return opt_fail(c, "--dhcp-option DNS: bad address '%s'",
				argv[2]);
	return opt_pairs_push(&c->o->dhcp_options, argv[1],
			      argc > 2 ? argv[2] : "");
}

/* dns search-domains ... | dns server N ... (conf/dns.c); pushed server
 * priorities are 0..127 and replace the local profile of the same number. */
int h_dns(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	  unsigned int argc)
{
	char why[256];
	int r;

	(void)d;
	why[0] = '\0';
	r = dns_parse(&c->o->dns, argv, argc, c->source == OPT_W_PUSH, why,
		      sizeof(why));
	if (r == -EINVAL)
		return opt_fail(c, "%s", why);
	return r;
}

/* dns-updown CMD|disable|force (2.7): who applies the --dns settings. */
int h_dns_updown(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		 unsigned int argc)
{
	struct options *o = c->o;

	(void)d;
	(void)argc;
	if (!strcmp(argv[1], "disable")) {
		o->dns_updown_mode = OPT_DNS_UPDOWN_DISABLE;
		free(o->dns_updown);
		o->dns_updown = NULL;
		return 0;
	}
	if (!strcmp(argv[1], "force")) {
		if (o->dns_updown_mode != OPT_DNS_UPDOWN_USER)
			o->dns_updown_mode = OPT_DNS_UPDOWN_FORCE;
		return 0;
	}
	if (!argv[1][0])
		return opt_fail(c, "--dns-updown: empty command");
	o->dns_updown_mode = OPT_DNS_UPDOWN_USER;
	return opt_strset(&o->dns_updown, argv[1]);
}

/* One line of a <connection> block, applied to the entry being built. */
static int connection_line(struct opt_ctx *c, struct opt_remote *r,
			   bool *have_remote, char **argv, unsigned int argc)
{
	const char *n = argv[0];

	if (!strcmp(n, "remote") && argc >= 2 && argc <= 4 && !*have_remote) {
		*have_remote = true;
		if (argc > 2 && optval_port(c, argv[2], false))
			return -EINVAL;
		if (argc > 3 && optval_transport(c, argv[3], &r->tr))
			return -EINVAL;
		if (argc > 2 && opt_strset(&r->port, argv[2]))
			return -ENOMEM;
		return opt_strset(&r->host, argv[1]);
	}
	if (!strcmp(n, "proto") && argc == 2)
		return optval_transport(c, argv[1], &r->tr);
	if ((!strcmp(n, "port") || !strcmp(n, "rport")) && argc == 2) {
		if (optval_port(c, argv[1], false))
			return -EINVAL;
		return opt_strset(&r->port, argv[1]);
	}
	if (!strcmp(n, "http-proxy") && argc >= 2 && argc <= 5) {
		if (!r->http_proxy)
			r->http_proxy = calloc(1, sizeof(*r->http_proxy));
		return r->http_proxy ? opt_http_proxy_parse(c, r->http_proxy,
							    argv, argc) : -ENOMEM;
	}
	return opt_fail(c, "'%s' is not supported in a <connection> block "
			"(dcovpn takes one remote, proto, port, rport and "
			"http-proxy there)", n);
}

static int connection_parse(struct opt_ctx *c, const char *text,
			    struct opt_remote *r, bool *have_remote)
{
	struct opt_ctx sub = *c;
	struct lex_option opt;
	unsigned int first = c->line;
	int ret = 0;

	sub.is_inline = false;
	for (unsigned int i = 1; *text && ret >= 0; i++) {
		size_t n = strcspn(text, "\n");

		sub.line = first + i;
		ret = lexer_split(text, n, c->file, sub.line, &opt, c->err,
				  c->err_len);
		if (ret > 0) {
			sub.name = opt.argv[0];
			ret = connection_line(&sub, r, have_remote, opt.argv,
					      opt.argc);
		}
		text += n + (text[n] == '\n');
	}
	return ret < 0 ? ret : 0;
}

/*
 * <connection> blocks become entries of the remote list, in order; only
 * the settings that fit an entry (remote, proto, port, http-proxy) are
 * accepted.
 */
int h_connection(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		 unsigned int argc)
{
	struct opt_remote r = { 0 }, *slot = NULL;
	bool have_remote = false;
	int ret;

	UNUSED_ARGS;
	if (!c->is_inline)
		return opt_fail(c, "--connection must be an inline "
				"<connection> block");
	if (c->o->n_remotes >= OPT_MAX_REMOTES)
		return opt_fail(c, "too many --remote entries (%d max)",
				OPT_MAX_REMOTES);
	ret = connection_parse(c, argv[1], &r, &have_remote);
	if (!ret && !r.host)
		ret = opt_fail(c, "<connection> block without a remote");
	if (!ret)
		slot = opt_grow(&c->o->remotes, &c->o->n_remotes, sizeof(*slot));
	if (!slot) {
		free(r.host);
		free(r.port);
		if (r.http_proxy)
			opt_proxy_free(r.http_proxy);
		free(r.http_proxy);
		return ret ? ret : -ENOMEM;
	}
	*slot = r;
	return 0;
}
