/*
 * The main loop of dcovpn-cli: engine events and signals until the tunnel
 * ends. The caller must have blocked SIGINT, SIGTERM and SIGUSR2 (in every
 * thread, i.e. before dco_open()) so they arrive only through the signalfd.
 */
#ifndef DCOVPN_CLI_LOOP_H
#define DCOVPN_CLI_LOOP_H

#include <signal.h>
#include <stdint.h>

#include "dcovpn/dco.h"

/* Exit statuses, also documented in --help. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_ERROR 1
#define CLI_EXIT_EXPIRED 2
#define CLI_EXIT_TRANSPORT 3

/* The signals the loop takes (fills @set). */
void cli_loop_sigset(sigset_t *set);
/* Run until a signal or the peer's end; returns the process exit status. */
int cli_loop_run(struct dco *dco, uint32_t peer_id);

#endif
