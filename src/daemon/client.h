/*
 * The client: connect to the `remote` entries in turn, run the control
 * channel (ctl/session) and pull (ctl/push), bring up the data channel in
 * the offload engine, and reconnect on ping-restart, RESTART or SIGUSR1.
 */
#ifndef DCOVPN_DAEMON_CLIENT_H
#define DCOVPN_DAEMON_CLIENT_H

#include "conf/options.h"

enum client_exit {
	CLIENT_EXIT_OK = 0,      /* SIGTERM/SIGINT, HALT */
	CLIENT_EXIT_FATAL,       /* cannot run (config, auth failure) */
	CLIENT_EXIT_RELOAD,      /* SIGHUP: re-read the configuration */
};

/* The command line, parsed again for every connection attempt. */
struct client_args {
	int argc;
	char *const *argv;
	/* the files as the first parse read them (main.c); NULL: read them
	 * again at the first connection */
	struct opt_text_cache *tc;
	/* what outlives a restart (the status file; daemon/keep.h) */
	struct keep *keep;
};

/* @o: the options as parsed and checked once, for what stays fixed. */
enum client_exit client_run(const struct options *o,
			    const struct client_args *a);

#endif
