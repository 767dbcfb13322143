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

#include <sys/socket.h>

#include "conf/options.h"

struct script_ctx {
	const struct options *o;
	const char *dev;
	unsigned mtu;
	const struct sockaddr_storage *remote;
};

/* @type "up" or "down"; @cmd the option's value. 0, or -errno / the
 * script's non-zero exit status as -ECANCELED (logged). */
int script_run(const struct script_ctx *sc, const char *type, const char *cmd);

#endif
