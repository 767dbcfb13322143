/* OpenVPN's script environment from one table (see scriptvars.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/route_env.h"
#include "daemon/routeget.h"
#include "daemon/scriptvars.h"

#define K(k) (1u << (k))
#define K_ALL ((1u << SCRIPT_KINDS) - 1u)
#define K_PER_CLIENT (K(SCRIPT_USER_PASS_VERIFY) | K(SCRIPT_CLIENT_CONNECT) | \
		      K(SCRIPT_CLIENT_DISCONNECT) | K(SCRIPT_LEARN_ADDRESS) | \
		      K(SCRIPT_TLS_CRYPT_V2_VERIFY))
#define K_POOL (K(SCRIPT_CLIENT_CONNECT) | K(SCRIPT_CLIENT_DISCONNECT) | \
		K(SCRIPT_LEARN_ADDRESS))

static const char *const type_names[SCRIPT_KINDS] = {
	[SCRIPT_UP] = "up",
	[SCRIPT_DOWN] = "down",
	[SCRIPT_ROUTE_UP] = "route-up",
	[SCRIPT_ROUTE_PRE_DOWN] = "route-pre-down",
	[SCRIPT_IPCHANGE] = "ipchange",
	[SCRIPT_TLS_VERIFY] = "tls-verify",
	[SCRIPT_USER_PASS_VERIFY] = "user-pass-verify",
	[SCRIPT_CLIENT_CONNECT] = "client-connect",
	[SCRIPT_CLIENT_DISCONNECT] = "client-disconnect",
	[SCRIPT_LEARN_ADDRESS] = "learn-address",
	[SCRIPT_TLS_CRYPT_V2_VERIFY] = "tls-crypt-v2-verify",
	[SCRIPT_DNS_UP] = "dns-up",
	[SCRIPT_DNS_DOWN] = "dns-down",
};

const char *scriptvars_type(enum script_kind k)
{
	return k < SCRIPT_KINDS ? type_names[k] : "?";
}

void scriptvars_proc_init(struct script_proc *p)
{
	p->start_time = time(NULL);
	p->pid = getpid();
}

static void set_ip4(struct scriptenv *e, const char *name, struct in_addr a)
{
	char s[INET_ADDRSTRLEN];

	scriptenv_set(e, name, "%s", inet_ntop(AF_INET, &a, s, sizeof(s)));
}

static void set_ip6(struct scriptenv *e, const char *name,
		    const struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	scriptenv_set(e, name, "%s", inet_ntop(AF_INET6, a, s, sizeof(s)));
}

void scriptvars_tun_args(const struct script_tun *t, struct script_tun_args *a)
{
	snprintf(a->mtu, sizeof(a->mtu), "%u", t->mtu);
	a->local[0] = a->remote[0] = '\0';
	if (t->has4) {
		inet_ntop(AF_INET, &t->local4, a->local, sizeof(a->local));
		inet_ntop(AF_INET, &t->remote4, a->remote, sizeof(a->remote));
	}
	a->v[0] = t->dev ? t->dev : "";
	a->v[1] = a->mtu;
	a->v[2] = "0";
	a->v[3] = a->local;
	a->v[4] = a->remote;
	a->v[5] = t->restart ? "restart" : "init";
	a->v[6] = NULL;
}

/* ---- rows ------------------------------------------------------------------ */

static void row_process(struct scriptenv *e, const struct script_info *si)
{
	const struct options *o = si->o;

	if (o->config_file)
		scriptenv_set(e, "config", "%s", o->config_file);
	scriptenv_set(e, "verb", "%d", o->verb >= 0 ? o->verb : 1);
	scriptenv_set(e, "daemon", "%d", o->daemon ? 1 : 0);
	scriptenv_set(e, "daemon_log_redirect", "%d", o->log_file ? 1 : 0);
	scriptenv_set(e, "daemon_start_time", "%lld",
		      (long long)si->proc->start_time);
	scriptenv_set(e, "daemon_pid", "%d", (int)si->proc->pid);
	for (size_t i = 0; i < o->setenv.n; i++)
		scriptenv_set(e, o->setenv.v[i].name, "%s", o->setenv.v[i].value);
}

/* OpenVPN's proto2ascii(proto, af, false). */
static const char *proto_name(enum opt_proto p, enum opt_family f, bool server)
{
	static const char *const names[][3] = {
		{ "udp", "udp4", "udp6" },
		{ "tcp-client", "tcp4-client", "tcp6-client" },
		{ "tcp-server", "tcp4-server", "tcp6-server" },
	};
	unsigned row = p == OPT_PROTO_TCP_CLIENT ? 1 : p == OPT_PROTO_TCP_SERVER ? 2 :
		       p == OPT_PROTO_TCP ? (server ? 2 : 1) : 0;

	return names[row][f == OPT_AF_INET ? 1 : f == OPT_AF_INET6 ? 2 : 0];
}

/* Does this connection bind a local port (OpenVPN drops local_port when
 * not: nobind, or a TCP client that did not ask)? */
static bool binds(const struct options *o, enum opt_proto p)
{
	if (o->srv)
		return true;
	if (o->nobind)
		return false;
	return !(p == OPT_PROTO_TCP_CLIENT || p == OPT_PROTO_TCP) ||
	       o->local || o->lport_defined || o->bind;
}

static void row_connection(struct scriptenv *e, const struct script_info *si)
{
	const struct options *o = si->o;
	size_t n = o->n_remotes ? o->n_remotes : 1;

	for (size_t i = 0; i < n; i++) {
		struct opt_endpoint ep = { 0 };
		unsigned idx = (unsigned)i + 1;

		if (o->n_remotes)
			options_remote(o, i, &ep);
		else
			ep = (struct opt_endpoint){ .proto = o->proto.proto,
						    .family = o->proto.family,
						    .port = o->rport };
		scriptenv_set_i(e, "proto", idx, proto_name(ep.proto, ep.family,
							   o->srv != NULL));
		scriptenv_set_i(e, "local", idx, o->local);
		if (binds(o, ep.proto))
			scriptenv_set_i(e, "local_port", idx,
					o->lport ? o->lport : OPT_DEFAULT_PORT);
		scriptenv_set_i(e, "remote", idx, ep.host);
		scriptenv_set_i(e, "remote_port", idx,
				ep.port ? ep.port : OPT_DEFAULT_PORT);
	}
}

/* A server's local lines, as 2.7 sets them after the connections'
 * (its setenv_local_entry: the same names, one row per socket). */
static void row_locals(struct scriptenv *e, const struct script_info *si)
{
	const struct options *o = si->o;
	struct opt_endpoint ep;

	for (size_t i = 0; o->srv && i < o->n_locals &&
			   options_local(o, i, &ep) == 0; i++) {
		unsigned idx = (unsigned)i + 1;

		scriptenv_set_i(e, "proto", idx, proto_name(ep.proto, ep.family,
							   true));
		scriptenv_set_i(e, "local", idx, ep.host);
		scriptenv_set_i(e, "local_port", idx, ep.port);
	}
}

static void row_tun(struct scriptenv *e, const struct script_info *si)
{
	const struct script_tun *t = si->tun;

	if (!t || !t->dev)
		return;
	scriptenv_set(e, "dev", "%s", t->dev);
	scriptenv_set(e, "dev_type", t->tap ? "tap" : "tun");
	scriptenv_set(e, "tun_mtu", "%u", t->mtu);
	scriptenv_set(e, "script_context", t->restart ? "restart" : "init");
	if (t->has4) {
		set_ip4(e, "ifconfig_local", t->local4);
		set_ip4(e, t->subnet ? "ifconfig_netmask" : "ifconfig_remote",
			t->remote4);
	}
	if (t->has6) {
		set_ip6(e, "ifconfig_ipv6_local", &t->local6);
		scriptenv_set(e, "ifconfig_ipv6_netbits", "%d", t->bits6);
		set_ip6(e, "ifconfig_ipv6_remote", &t->remote6);
	}
}

static const char *net_gateway(char *buf)
{
	struct routeget_result rg;
	struct in_addr any = { 0 };

	if (routeget4(any, &rg) || !rg.has_gw)
		return "0.0.0.0";
	return inet_ntop(AF_INET, &rg.gw, buf, INET_ADDRSTRLEN);
}

static void route_put(void *ctx, const char *name, const char *value)
{
	scriptenv_set(ctx, name, "%s", value);
}

static void row_routes(struct scriptenv *e, const struct script_info *si)
{
	const struct options *o = si->o;
	char vpn[INET_ADDRSTRLEN] = "", net[INET_ADDRSTRLEN];
	const char *vpn_gw = o->route_gateway;
	const char *net_gw;

	if (!si->routes)
		return;
	if (!vpn_gw && o->ifconfig_set && o->topology != OPT_TOPO_SUBNET)
		vpn_gw = inet_ntop(AF_INET, &o->ifconfig_remote, vpn, sizeof(vpn));
	if (vpn_gw)
		scriptenv_set(e, "route_vpn_gateway", "%s", vpn_gw);
	net_gw = net_gateway(net);
	scriptenv_set(e, "route_net_gateway", "%s", net_gw);
	route_env(o, si->peer, route_put, e);
	for (size_t i = 0; i < o->dhcp_options.n; i++) {
		const struct opt_pair *p = &o->dhcp_options.v[i];
		char name[48];

		snprintf(name, sizeof(name), "foreign_option_%zu", i + 1);
		scriptenv_set(e, name, "dhcp-option %s%s%s", p->name,
			      p->value[0] ? " " : "", p->value);
	}
}

static void dns_put(void *ctx, const char *name, const char *value)
{
	scriptenv_set(ctx, name, "%s", value);
}

/* dns_search_domain_N, dns_server_N_*: OpenVPN sets them in every script's
 * environment once the options (pulled ones included) are final. */
static void row_dns(struct scriptenv *e, const struct script_info *si)
{
	if (si->o)
		dns_env(&si->o->dns, dns_put, e);
}

static void row_redirect(struct scriptenv *e, const struct script_info *si)
{
	if (si->routes_added)
		scriptenv_set(e, "redirect_gateway", "%d",
			      si->o->redirect_gateway & OPT_REDIR_ENABLE ?
			      (si->o->redirect_gateway & OPT_REDIR_IPV6 ? 3 : 1) : 0);
}

static void row_signal(struct scriptenv *e, const struct script_info *si)
{
	if (si->signal)
		scriptenv_set(e, "signal", "%s", si->signal);
}

/* The depth a certificate variable belongs to (X509_N_*, tls_*_N);
 * common_name: 0. */
static int cert_var_depth(const char *v)
{
	const char *eq = strchr(v, '='), *p;

	if (!strncmp(v, "X509_", 5))
		return atoi(v + 5);
	for (p = eq; p && p > v && p[-1] >= '0' && p[-1] <= '9'; p--)
		;
	return p && p != eq && p > v && p[-1] == '_' ? atoi(p) : 0;
}

/* As OpenVPN verifies from the anchor down, a tls-verify run at depth N
 * sees the certificates from the anchor to N only. */
static void row_cert(struct scriptenv *e, const struct script_info *si)
{
	if (!si->cert)
		return;
	for (size_t i = 0; i < si->cert->n; i++)
		if (cert_var_depth(si->cert->v[i]) >= si->cert_depth)
			scriptenv_put(e, si->cert->v[i]);
}

static void peer_addr(const struct sockaddr_storage *ss, char *ip, size_t len,
		      unsigned *port)
{
	ip[0] = '\0';
	*port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, ip, (socklen_t)len);
		*port = ntohs(s->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ss;

		if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr))
			inet_ntop(AF_INET, &s->sin6_addr.s6_addr[12], ip,
				  (socklen_t)len);
		else
			inet_ntop(AF_INET6, &s->sin6_addr, ip, (socklen_t)len);
		*port = ntohs(s->sin6_port);
	}
}

static void row_link(struct scriptenv *e, const struct script_info *si)
{
	char ip[INET6_ADDRSTRLEN];
	bool v6;
	unsigned port;

	if (!si->peer || !si->peer->ss_family)
		return;
	peer_addr(si->peer, ip, sizeof(ip), &port);
	v6 = strchr(ip, ':') != NULL;
	scriptenv_set(e, v6 ? "untrusted_ip6" : "untrusted_ip", "%s", ip);
	scriptenv_set(e, "untrusted_port", "%u", port);
	if (!si->trusted)
		return;
	scriptenv_set(e, v6 ? "trusted_ip6" : "trusted_ip", "%s", ip);
	scriptenv_set(e, "trusted_port", "%u", port);
}

/* IV_ and UV_ lines of the client's peer-info (output_peer_info_env). */
static void peer_info(struct scriptenv *e, const char *pi)
{
	while (pi && *pi) {
		const char *nl = strchr(pi, '\n');
		size_t len = nl ? (size_t)(nl - pi) : strlen(pi);
		char line[512];

		if (len < sizeof(line) && memchr(pi, '=', len) &&
		    (!strncmp(pi, "IV_", 3) || !strncmp(pi, "UV_", 3))) {
			memcpy(line, pi, len);
			line[len] = '\0';
			scriptenv_put(e, line);
		}
		pi = nl ? nl + 1 : NULL;
	}
}

static void client_pool(struct scriptenv *e, const struct script_client *c)
{
	if (c->has4) {
		set_ip4(e, "ifconfig_pool_remote_ip", c->vpn4);
		if (c->subnet)
			set_ip4(e, "ifconfig_pool_netmask", c->mask4);
		else
			set_ip4(e, "ifconfig_pool_local_ip", c->local4);
	}
	if (c->has6) {
		set_ip6(e, "ifconfig_pool_remote_ip6", &c->vpn6);
		set_ip6(e, "ifconfig_pool_local_ip6", &c->local6);
		scriptenv_set(e, "ifconfig_pool_ip6_netbits", "%d", c->bits6);
	}
}

static void row_client(struct scriptenv *e, const struct script_info *si)
{
	const struct script_client *c = si->client;
	char t[64];
	struct tm tm;

	if (!c)
		return;
	peer_info(e, c->peer_info);
	if (c->cn)
		scriptenv_set(e, "common_name", "%s", c->cn);
	if (c->username)
		scriptenv_set(e, "username", "%s", c->username);
	if (c->auth_files)
		scriptenv_merge(e, c->auth_files);
	if (!(K(si->kind) & K_POOL))
		return;
	client_pool(e, c);
	localtime_r(&c->since, &tm);
	strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
	scriptenv_set(e, "time_ascii", "%s", t);
	scriptenv_set(e, "time_unix", "%lld", (long long)c->since);
}

static void row_call(struct scriptenv *e, const struct script_info *si)
{
	if (si->call)
		scriptenv_merge(e, si->call);
}

struct scriptvars_row {
	unsigned kinds;          /* K(SCRIPT_...) bits the row applies to */
	void (*add)(struct scriptenv *e, const struct script_info *si);
};

/* In OpenVPN's order of setting (later rows win a shared name). */
static const struct scriptvars_row rows[] = {
	{ K_ALL, row_process },
	{ K_ALL, row_connection },
	{ K_ALL, row_locals },		/* a server's sockets (2.7) */
	{ K_ALL, row_tun },		/* once there is a tun */
	{ K_ALL, row_routes },		/* once known; a server's: kept */
	{ K_ALL, row_dns },
	{ K_ALL & ~K(SCRIPT_UP), row_redirect },
	{ K(SCRIPT_DOWN) | K(SCRIPT_ROUTE_PRE_DOWN), row_signal },
	{ K_ALL, row_cert },
	{ K_ALL, row_link },
	{ K_PER_CLIENT, row_client },
	{ K_ALL, row_call },
};

int scriptvars_build(struct scriptenv *e, const struct script_info *si)
{
	scriptenv_free(e);
	if (!si->minimal)
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			if (rows[i].kinds & K(si->kind))
				rows[i].add(e, si);
	scriptenv_set(e, "script_type", "%s", scriptvars_type(si->kind));
	/* as OpenVPN's env_allowed(): passwords only with script-security 3 */
	if (!si->plugin && si->o && si->o->script_security < 3)
		scriptenv_drop_prefix(e, "password");
	return e->err;
}
