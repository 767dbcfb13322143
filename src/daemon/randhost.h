/*
 * --remote-random-hostname: as OpenVPN 2.6 (misc.c hostname_randomize), a
 * remote given by name is looked up as "<12 random hex digits>.<name>",
 * new digits each lookup, so no DNS cache can answer for it. A numeric
 * address is used as it is.
 */
#ifndef DCOVPN_DAEMON_RANDHOST_H
#define DCOVPN_DAEMON_RANDHOST_H

#include <stddef.h>

#include "conf/options.h"

/* The name to look up for @host: @host itself, or the randomized name in
 * @buf (@host again if it does not fit or no random bytes came). */
const char *randhost_apply(const struct options *o, const char *host,
			   char *buf, size_t cap);

#endif
