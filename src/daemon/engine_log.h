/*
 * The engine's counters as one log line, for a server and a client alike:
 * what crossed the link and every drop by reason. Logged at exit and on
 * SIGUSR2; tests read it (a key transition must cost no no_key or decrypt
 * drop).
 */
#ifndef DCOVPN_DAEMON_ENGINE_LOG_H
#define DCOVPN_DAEMON_ENGINE_LOG_H

#include "dcovpn/dco.h"

/* "engine: link rx N pkts, tx N pkts; drops: ..." then "; @extra" if
 * @extra is not NULL. Nothing if the engine is not open. */
void engine_log_stats(struct dco *dco, const char *extra);

#endif
