/*
 * PUSH_UPDATE (OpenVPN 2.7): a server changes options of a connected
 * client without a reconnect. Announced by the client with IV_PROTO bit 12
 * (KM2_IV_PROTO_PUSH_UPDATE); a server sends it only to such clients.
 *
 *   PUSH_UPDATE,opt[,opt...][,push-continuation 2|1]
 *
 * Each opt may be prefixed: "-name" removes the option (no arguments),
 * "?opt" marks it optional (a client that cannot update it ignores it
 * instead of failing), "-?name" both; "?-name" is malformed. Only these
 * options may be updated (2.7 options_util.c): block-ipv6,
 * block-outside-dns, dhcp-option, dns, ifconfig, ifconfig-ipv6,
 * push-continuation, redirect-gateway, redirect-private, route,
 * route-gateway, route-ipv6, route-metric, topology, tun-mtu, keepalive.
 * The first occurrence of an option in an update sequence (its parts up to
 * the one without "push-continuation 2") replaces all earlier values.
 *
 * A server splits a long update as 2.7 does (push_util.c): parts of at
 * most PUSHUPD_BUNDLE bytes, each cut after the last whole option that
 * fits, all but the last ending in ",push-continuation 2" and the last, if
 * there are several, in ",push-continuation 1".
 */
#ifndef DCOVPN_CTL_PUSHUPD_H
#define DCOVPN_CTL_PUSHUPD_H

#include <stdbool.h>
#include <stddef.h>

#define PUSHUPD_CMD "PUSH_UPDATE"
#define PUSHUPD_BUNDLE 1024u       /* 2.7's PUSH_BUNDLE_SIZE */
/* room kept for the command, a trailing ifconfig and push-continuation */
#define PUSHUPD_PART_MAX (PUSHUPD_BUNDLE - 84u - sizeof(PUSHUPD_CMD))

/*
 * Split @opts (the manager's option list) into messages, stored one after
 * the other, each NUL-terminated, in a heap buffer *@out (free()).
 * Returns the number of messages, or -EINVAL (empty, or an option that
 * fits no part) / -ENOMEM.
 */
int pushupd_split(const char *opts, char **out);

/* One option of an update, as written. */
struct pushupd_opt {
	bool remove;          /* "-name" */
	bool optional;        /* "?opt" */
	bool updatable;       /* in 2.7's list */
	const char *text;     /* after the prefixes: "route 10.0.0.0 ..." */
	size_t name_len;      /* length of the option's name in @text */
};

/* Parse one option (leading blanks skipped). 0, or -EINVAL: malformed
 * ("-" or "?" alone, "?-name", "-name args"). */
int pushupd_parse_opt(const char *line, struct pushupd_opt *o);

/* Is the option named @name (@len bytes) @want? */
bool pushupd_is(const struct pushupd_opt *o, const char *want);

#endif
