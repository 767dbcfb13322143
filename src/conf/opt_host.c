/*
 * Options about what happens around the tunnel on the host: whether
 * dcovpn configures addresses and routes itself (route-noexec,
 * ifconfig-noexec: NetworkManager does it from the up script), which
 * routing table, how the transport sockets are marked and bound, chroot.
 * Most are plain table rows (optable.c); the rest are here.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "conf/optable.h"

/* mtu-disc no|maybe|yes: the IP_MTU_DISCOVER values OpenVPN maps them to. */
int h_mtu_disc(struct opt_ctx *c, const struct opt_desc *d, char **argv,
	       unsigned int argc)
{
	static const char *const words[] = { "no", "maybe", "yes", NULL };
	static const int values[] = { IP_PMTUDISC_DONT, IP_PMTUDISC_WANT,
				      IP_PMTUDISC_DO };
	int i = optval_word(c, argv[1], words);

	(void)d;
	(void)argc;
	if (i < 0)
		return i;
	c->o->mtu_disc = values[i];
	return 0;
}

void opt_proxy_free(struct opt_proxy *p)
{
	opt_strfree(&p->host, false);
	opt_strfree(&p->port, false);
	opt_strfree(&p->authfile, false);
	memset(p, 0, sizeof(*p));
}

void opt_host_free(struct options *o)
{
	opt_proxy_free(&o->http_proxy);
	opt_proxy_free(&o->socks_proxy);
	opt_file_free(&o->http_proxy_user_pass);
	opt_strfree(&o->http_proxy_version, false);
	opt_strfree(&o->http_proxy_agent, false);
	opt_pairs_free(&o->http_proxy_headers);
	opt_strfree(&o->port_share_host, false);
	opt_strfree(&o->port_share_port, false);
	opt_strfree(&o->port_share_dir, false);
}

static int proxy_set(struct opt_ctx *c, struct opt_proxy *p, const char *host,
		     const char *port)
{
	if (optval_port(c, port, false))
		return -EINVAL;
	opt_proxy_free(p);
	if (opt_strset(&p->host, host) || opt_strset(&p->port, port))
		return -ENOMEM;
	return 0;
}

/* http-proxy SERVER PORT [AUTHFILE|auto|auto-nct] [none|basic|ntlm2] into @p
 * (the global one, or a <connection> block's) */
int opt_http_proxy_parse(struct opt_ctx *c, struct opt_proxy *p, char **argv,
			 unsigned int argc)
{
	static const char *const methods[] = { "none", "basic", NULL };
	int m;

	if (argc < 3)
		return opt_fail(c, "http-proxy port number not defined");
	if (proxy_set(c, p, argv[1], argv[2]))
		return -EINVAL;
	if (argc < 4)
		return 0;
	if (!strcmp(argv[3], "auto") || !strcmp(argv[3], "auto-nct")) {
		p->auto_auth = true;
		p->no_cleartext = !strcmp(argv[3], "auto-nct");
		return 0;
	}
	p->auth = OPT_PROXY_AUTH_BASIC;
	if (opt_strset(&p->authfile, argv[3]))
		return -ENOMEM;
	if (argc < 5)
		return 0;
	/* OpenVPN 2.6 takes Digest only from a 407 in auto mode too (a
	 * named "digest" is its "unknown HTTP authentication method") */
	if (!strcmp(argv[4], "digest"))
		return opt_fail(c, "--http-proxy: unknown HTTP authentication "
				"method: 'digest' (as OpenVPN 2.6; 'auto' and "
				"'auto-nct' answer a proxy's Digest challenge)");
	/* NTLM v1 (DES over MD4) is not offered: as OpenVPN 2.7, "ntlm"
	 * means NTLMv2 */
	if (!strcmp(argv[4], "ntlm"))
		opt_warn(c, "NTLM v1 authentication is not supported (deprecated "
			 "in OpenVPN 2.6, removed in 2.7). Will try to use NTLM "
			 "v2 authentication.");
	if (!strcmp(argv[4], "ntlm") || !strcmp(argv[4], "ntlm2")) {
		p->auth = OPT_PROXY_AUTH_NTLM2;
		return 0;
	}
	m = optval_word(c, argv[4], methods);
	if (m < 0)
		return m;
	p->auth = m ? OPT_PROXY_AUTH_BASIC : OPT_PROXY_AUTH_NONE;
	return 0;
}

int h_http_proxy(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		 unsigned int argc)
{
	(void)d;
	return opt_http_proxy_parse(c, &c->o->http_proxy, argv, argc);
}

/* http-proxy-option VERSION v | AGENT text | CUSTOM-HEADER name [content] */
int h_http_proxy_option(struct opt_ctx *c, const struct opt_desc *d,
			char **argv, unsigned int argc)
{
	(void)d;
	if (!strcmp(argv[1], "VERSION") && argc == 3)
		return opt_strset(&c->o->http_proxy_version, argv[2]);
	if (!strcmp(argv[1], "AGENT") && argc == 3)
		return opt_strset(&c->o->http_proxy_agent, argv[2]);
	/* EXT1 and EXT2: what patched versions in the wild call it */
	if ((!strcmp(argv[1], "CUSTOM-HEADER") || !strcmp(argv[1], "EXT1") ||
	     !strcmp(argv[1], "EXT2")) && argc >= 3 && argc <= 4)
		return opt_pairs_push(&c->o->http_proxy_headers, argv[2],
				      argc == 4 ? argv[3] : "");
	return opt_fail(c, "Bad http-proxy-option or missing or extra "
			"parameter: '%s'", argv[1]);
}

/* socks-proxy SERVER [PORT] [AUTHFILE] (SOCKS5) */
int h_socks_proxy(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		  unsigned int argc)
{
	struct opt_proxy *p = &c->o->socks_proxy;

	(void)d;
	if (proxy_set(c, p, argv[1], argc > 2 ? argv[2] : "1080"))
		return -EINVAL;
	if (argc > 3) {
		p->auth = OPT_PROXY_AUTH_BASIC;
		return opt_strset(&p->authfile, argv[3]);
	}
	return 0;
}

/* port-share HOST PORT [DIR] */
int h_port_share(struct opt_ctx *c, const struct opt_desc *d, char **argv,
		 unsigned int argc)
{
	(void)d;
	if (optval_port(c, argv[2], false))
		return -EINVAL;
	if (opt_strset(&c->o->port_share_host, argv[1]) ||
	    opt_strset(&c->o->port_share_port, argv[2]))
		return -ENOMEM;
	opt_strfree(&c->o->port_share_dir, false);
	return argc > 3 ? opt_strset(&c->o->port_share_dir, argv[3]) : 0;
}
