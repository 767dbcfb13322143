/*
 * OpenVPN 2.6's script environment, from one table (scriptvars.c) for
 * every script type, client and server. The caller describes the moment
 * (struct script_info: what is known at that point); each table row adds
 * its variables when its script types match and its facts are known:
 *
 *   process      config, daemon, daemon_log_redirect, daemon_start_time,
 *                daemon_pid, verb, the config's setenv pairs
 *   connection   proto_N, local_N, local_port_N, remote_N, remote_port_N
 *   tun          dev, dev_type, tun_mtu, script_context, ifconfig_local,
 *                ifconfig_netmask | ifconfig_remote, ifconfig_ipv6_*
 *   routes       route_vpn_gateway, route_net_gateway, route_network_N,
 *                route_netmask_N, route_gateway_N, route_metric_N,
 *                route_ipv6_network_N, route_ipv6_gateway_N,
 *                foreign_option_N (client)
 *   redirect     redirect_gateway (once routes are set up)
 *   signal       signal (down, route-pre-down)
 *   cert         X509_N_*, tls_id_N, tls_digest*_N, tls_serial*_N,
 *                common_name (scriptcert.h)
 *   link         untrusted_ip[6]/port, trusted_ip[6]/port
 *   client       the server's view of one client: IV_*, username,
 *                ifconfig_pool_*, time_ascii, time_unix, auth_*_file
 *   call         what belongs to this call only (password, the
 *                client-connect files, bytes_*, time_duration, ...)
 *
 * scriptvars_build() gives the NULL-terminated envp a script or a plugin
 * gets (plugins take the same environment at the same points).
 */
#ifndef DCOVPN_DAEMON_SCRIPTVARS_H
#define DCOVPN_DAEMON_SCRIPTVARS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "conf/options.h"
#include "daemon/scriptenv.h"

enum script_kind {
	SCRIPT_UP,
	SCRIPT_DOWN,
	SCRIPT_ROUTE_UP,
	SCRIPT_ROUTE_PRE_DOWN,
	SCRIPT_IPCHANGE,
	SCRIPT_TLS_VERIFY,
	SCRIPT_USER_PASS_VERIFY,
	SCRIPT_CLIENT_CONNECT,
	SCRIPT_CLIENT_DISCONNECT,
	SCRIPT_LEARN_ADDRESS,
	SCRIPT_TLS_CRYPT_V2_VERIFY,
	SCRIPT_DNS_UP,		/* dns-updown (2.7) */
	SCRIPT_DNS_DOWN,
	SCRIPT_KINDS
};

/* "up", "route-up", "user-pass-verify" (OpenVPN's script_type values). */
const char *scriptvars_type(enum script_kind k);

/* Facts of the process, fixed at start-up. */
struct script_proc {
	time_t start_time;
	pid_t pid;
};

/* The tun device and its addresses (NULL dev: no tun yet). */
struct script_tun {
	const char *dev;
	unsigned mtu;
	bool has4;
	struct in_addr local4, remote4;  /* remote4: netmask when subnet */
	bool subnet;
	bool tap;                        /* dev_type tap */
	bool has6;
	struct in6_addr local6, remote6;
	int bits6;
	bool restart;                    /* up-restart: "restart", not "init" */
};

/* One client as the server sees it. */
struct script_client {
	const char *cn;
	const char *username;            /* NULL: none */
	const char *peer_info;           /* "IV_X=v\n..." */
	bool has4, has6;
	struct in_addr vpn4, mask4;      /* mask4: subnet topology */
	bool subnet;
	struct in_addr local4;           /* net30: the server's end */
	struct in6_addr vpn6, local6;
	int bits6;
	time_t since;
	const struct scriptenv *auth_files;   /* auth_control_file, ... */
};

struct script_info {
	enum script_kind kind;
	bool server;
	bool minimal;                    /* learn-address delete: type only */
	const struct options *o;
	const struct script_proc *proc;
	const struct script_tun *tun;            /* NULL: none yet */
	bool routes;                             /* client: route_* known */
	bool routes_added;                       /* redirect_gateway known */
	const char *signal;                      /* "sigterm", NULL: none */
	const struct scriptenv *cert;            /* NULL: no verified peer */
	int cert_depth;              /* tls-verify at this depth: only the
				      * certificates from the anchor down to
				      * it are known yet (0: all) */
	const struct sockaddr_storage *peer;     /* NULL: none */
	bool trusted;                            /* peer is authenticated */
	const struct script_client *client;      /* server, per-client */
	const struct scriptenv *call;            /* this call's extras */
	bool plugin;                 /* for a plugin: passwords kept (OpenVPN
				      * filters only what scripts get) */
};

/* What OpenVPN appends to up, down, route-pre-down (scripts and the
 * UP/DOWN plugin events): dev tun_mtu link_mtu(0) ifconfig_local
 * ifconfig_remote|netmask init; v is NULL-ended. */
struct script_tun_args {
	char mtu[16], local[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN];
	const char *v[7];
};
void scriptvars_tun_args(const struct script_tun *t, struct script_tun_args *a);

/* Fill @e (emptied first) for @si; 0 or -ENOMEM. */
int scriptvars_build(struct scriptenv *e, const struct script_info *si);

void scriptvars_proc_init(struct script_proc *p);

#endif
