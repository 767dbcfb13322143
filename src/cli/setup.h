/*
 * Bring up the static-key tunnel of dcovpn-cli: engine, transport, peer, key,
 * keepalive, addresses. Errors are logged as one line each.
 */
#ifndef DCOVPN_CLI_SETUP_H
#define DCOVPN_CLI_SETUP_H

#include "cli/args.h"

/* On success *@out is a started engine with one peer (opts->peer_id). */
int cli_setup(const struct cli_opts *opts, struct dco **out);

#endif
