/*
 * up / down scripts as OpenVPN runs them (script-security 2 needed):
 *   cmd tun_dev tun_mtu link_mtu ifconfig_local ifconfig_netmask|remote init
 * with OpenVPN's environment: script_type, dev, dev_type, tun_mtu,
 * ifconfig_local, ifconfig_netmask / ifconfig_remote, ifconfig_ipv6_*,
 * route_vpn_gateway, trusted_ip/trusted_port, foreign_option_N (pushed
 * dhcp-option lines), verb, config setenv pairs. The command line is split
 * at blanks (no shell); the script runs to completion (bounded wait).
 */
#ifndef DCOVPN_DAEMON_SCRIPT_H
#define DCOVPN_DAEMON_SCRIPT_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "conf/options.h"

struct script_ctx {
	const struct options *o;
	const char *dev;
	unsigned mtu;
	const struct sockaddr_storage *remote;
};

/* The arguments OpenVPN appends for up/down: dev tun_mtu link_mtu
 * ifconfig_local ifconfig_remote|netmask init (v NULL-ended). */
struct script_args {
	char mtu[16], local[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	const char *v[7];
};
void script_args(const struct script_ctx *sc, struct script_args *a);

/* The environment a @type script gets, without script_type (as OpenVPN
 * hands it to plugins): NULL-ended, malloc'd; NULL if out of memory. */
char **script_env(const struct script_ctx *sc, const char *type);
void script_env_free(char **env);

/* @type "up" or "down"; @cmd the option's value. 0, or -errno / the
 * script's non-zero exit status as -ECANCELED (logged). */
int script_run(const struct script_ctx *sc, const char *type, const char *cmd);

#endif
