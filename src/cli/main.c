/*
 * dcovpn-cli: the static-key test bed, argument-compatible with the drivers'
 * ovpn-dco-cli. One peer, one key (key-id 0) from data64.key, no control
 * channel.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cli/args.h"
#include "cli/loop.h"
#include "cli/setup.h"
#include "cli/stats.h"

/* Signals go to the signalfd only: block them before the engine starts its
 * threads, which inherit the mask. A dead TCP peer must not kill us. */
static int block_signals(void)
{
	sigset_t set;

	cli_loop_sigset(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_opts opts;
	struct dco *dco = NULL;
	char err[256];
	int status;

	switch (cli_args_parse(argc, argv, &opts, err, sizeof(err))) {
	case CLI_ARGS_HELP:
		cli_args_usage("dcovpn-cli", stdout);
		return CLI_EXIT_OK;
	case CLI_ARGS_ERROR:
		fprintf(stderr, "dcovpn-cli: %s\n", err);
		return CLI_EXIT_ERROR;
	case CLI_ARGS_RUN:
		break;
	}
	/* Statistics lines must reach a log file promptly. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	log_set_level(opts.verb);
	log_set_tag("dcovpn-cli");
	if (block_signals() < 0) {
		perror("dcovpn-cli: sigprocmask");
		return CLI_EXIT_ERROR;
	}
	if (cli_setup(&opts, &dco) < 0)
		return CLI_EXIT_ERROR;
	status = cli_loop_run(dco, opts.peer_id);
	cli_stats_print(dco, opts.peer_id, stdout);
	dco_close(dco);
	return status;
}
