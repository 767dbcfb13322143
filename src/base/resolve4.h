/*
 * An IPv4 address from a dotted quad or a host name (getaddrinfo: /etc/hosts,
 * DNS; blocking). For the addresses OpenVPN lets be names: --ifconfig,
 * --route and --route-gateway (pushed ones only with --allow-pull-fqdn).
 */
#ifndef DCOVPN_BASE_RESOLVE4_H
#define DCOVPN_BASE_RESOLVE4_H

#include <netinet/in.h>
#include <stdbool.h>

/* 0, or -ENOENT (no IPv4 address for @name); its first address. */
int resolve4(const char *name, struct in_addr *out);

/* Could @s be a host name, as OpenVPN checks pushed ones: letters, digits,
 * '_', '-' and '.' only, not empty. */
bool resolve4_name_safe(const char *s);

#endif
