/* The daemon's control thread under seccomp once start-up is done
 * (base/sandbox.h), unless it may run programs or plugins. */
#ifndef DCOVPN_DAEMON_CONFINE_H
#define DCOVPN_DAEMON_CONFINE_H

#include "conf/options.h"

/* Call once initialization is complete (after dropping privileges). */
void confine_daemon(const struct options *o);

#endif
