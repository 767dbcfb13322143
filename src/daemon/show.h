/*
 * --show-ciphers, --show-digests, --show-tls, --show-groups: what this
 * dcovpn can use, printed in the shape OpenVPN 2.6 prints its lists (a
 * header, a blank line, one name per line), then exit.
 */
#ifndef DCOVPN_DAEMON_SHOW_H
#define DCOVPN_DAEMON_SHOW_H

#include <stdbool.h>
#include <stdio.h>

#include "conf/options.h"

bool show_requested(const struct options *o);
/* Every list asked for, in OpenVPN's order; 0, or -1 after an error. */
int show_print(const struct options *o, FILE *f);

#endif
