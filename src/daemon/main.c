/*
 * dcovpn: an OpenVPN 2.6 compatible client whose data channel runs in the
 * offload engine. `dcovpn --config client.ovpn` or `dcovpn client.ovpn`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "base/fdlimit.h"
#include "base/log.h"
#include "conf/options.h"
#include "conf/opt_server.h"
#include "daemon/client.h"
#include "daemon/genkey.h"
#include "daemon/keep.h"
#include "daemon/sdnotify.h"
#include "daemon/server.h"
#include "daemon/show.h"
#include "daemon/usage.h"

#define MAIN_SHOWN 1	/* main_parse: a --show-* list was printed */

/* @tc keeps the files read, for a client's parse again at reconnect. */
static int main_parse(struct options *o, struct opt_text_cache *tc, int argc,
		      char **argv)
{
	char err[OPT_ERR_LEN];
	int ret;

	options_init(o);
	o->text_cache = tc;
	o->record_lines = true;	/* a server's SIGHUP compares them */
	ret = options_parse_argv(o, argc, argv, err, sizeof(err));
	if (!ret && show_requested(o))	/* as OpenVPN: before any check */
		return show_print(o, stdout) ? -EINVAL : MAIN_SHOWN;
	if (ret || options_check(o, err, sizeof(err))) {
		fprintf(stderr, "Options error: %s\n", err);
		fprintf(stderr, "Use --help for more information.\n");
		return -EINVAL;
	}
	if (o->tls_server && (o->pull || o->client)) {
		fprintf(stderr, "Options error: --client/--pull cannot be used "
			"with --tls-server / --mode server\n");
		return -EINVAL;
	}
	if (o->srv && (o->srv->server_set || o->srv->pool_set) &&
	    !o->srv->mode_server) {
		fprintf(stderr, "Options error: --server and --ifconfig-pool "
			"need --mode server\n");
		return -EINVAL;
	}
	return 0;
}

/* A server's SIGHUP: the command line and its files read again (from
 * disk: no cache), checked as at start. */
struct main_reparse {
	int argc;
	char **argv;
};

static int main_reparse(void *ctx, struct options *o)
{
	struct main_reparse *m = ctx;
	int ret = main_parse(o, NULL, m->argc, m->argv);

	return ret ? -EINVAL : 0;
}

/* --log / --log-append, --daemon, --writepid: once, before any thread. */
static int main_process_setup(const struct options *o)
{
	FILE *pidf;
	long nofile = fdlimit_raise();

	if (o->log_file && !freopen(o->log_file, o->log_append ? "a" : "w",
				    stderr)) {
		fprintf(stdout, "Options error: cannot open log file %s\n",
			o->log_file);
		return -1;
	}
	if (o->log_file)
		setvbuf(stderr, NULL, _IOLBF, 0);
	/* Under systemd (Type=notify) the started process must stay the
	 * service's main process: --daemon does not fork, as in OpenVPN. */
	if (o->daemon && !sdnotify_supervised() &&
	    daemon(1, o->log_file != NULL) < 0) {
		log_err("daemon() failed");
		return -1;
	}
	/* --syslog; and --daemon without --log, whose stderr is gone now */
	if (!o->log_file && (o->use_syslog || o->daemon))
		log_to_syslog(o->syslog_name ? o->syslog_name :
			      o->daemon_name ? o->daemon_name : "openvpn");
	/* --mlock: keys and buffers never reach swap */
	if (o->mlock && mlockall(MCL_CURRENT | MCL_FUTURE))
		log_warn("WARNING: mlockall call failed: %s", strerror(errno));
	/* --nice: here, before any thread, so every thread runs at it */
	if (o->nice) {
		errno = 0;
		if (nice(o->nice) < 0 && errno)
			log_warn("WARNING: nice %d failed: %s", o->nice,
				 strerror(errno));
		else
			log_info("nice %d succeeded", o->nice);
	}
	/* a server holds a descriptor per TCP connection */
	if (nofile > 0)
		log_debug("open file limit: %ld descriptors", nofile);
	if (o->writepid) {
		pidf = fopen(o->writepid, "w");
		if (!pidf) {
			log_err("Open error on pid file %s", o->writepid);
			return -1;
		}
		fprintf(pidf, "%d\n", (int)getpid());
		fclose(pidf);
	}
	return 0;
}

static bool main_has_arg(int argc, char **argv, const char *want)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], want))
			return true;
	return false;
}

/*
 * --help, --version, --list-options-md: 0 if one was handled. As openvpn
 * 2.6: --help (anywhere on the command line, or no argument at all) prints
 * the usage and exits 1, OpenVPN's usage exit status; --version exits 0.
 */
static int main_info(int argc, char **argv, int *rc)
{
	if (argc < 2 || main_has_arg(argc, argv, "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage_print_help(stdout);
		*rc = 1;
	} else if (main_has_arg(argc, argv, "--version")) {
		usage_print_version(stdout);
		*rc = 0;
	} else if (!strcmp(argv[1], "--list-options-md")) {
		usage_print_options_md(stdout);
		*rc = 0;
	} else {
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct client_args a = { .argc = argc, .argv = argv };
	enum client_exit ex;

	int rc;

	if (!main_info(argc, argv, &rc))
		return rc;
	if (genkey_requested(argc, argv))
		return genkey_main(argc, argv);
	bool first = true;
	struct keep keep;

	keep_init(&keep);
	do {
		struct opt_text_cache tc = { 0 };
		struct options o;
		int parsed = main_parse(&o, &tc, argc, argv);

		if (parsed) {
			options_free(&o);
			opt_text_cache_free(&tc);
			keep_free(&keep);
			return parsed == MAIN_SHOWN ? 0 : 1;
		}
		log_set_level(o.verb >= 0 ? o.verb : 1);
		log_set_timestamps(!o.suppress_timestamps);
		log_set_machine_readable(o.machine_readable);
		if (first && main_process_setup(&o)) {
			options_free(&o);
			opt_text_cache_free(&tc);
			keep_free(&keep);
			return 1;
		}
		first = false;
		log_info("%s", usage_version_line());
		if (o.srv && o.srv->mode_server) {
			struct main_reparse mr = { argc, argv };
			int r = server_run(&o, &keep, &(struct server_reparse){
				.parse = main_reparse, .ctx = &mr });

			ex = r == SERVER_RESTART ? CLIENT_EXIT_RELOAD :
			     r ? CLIENT_EXIT_FATAL : CLIENT_EXIT_OK;
		}
		else {
			if (o.multihome)
				log_warn("WARNING: --multihome applies to a UDP "
					 "server (--mode server) only: ignored");
			opt_record_free(&o);	/* only a server compares them */
			o.record_lines = false;
			a.tc = &tc;
			a.keep = &keep;
			ex = client_run(&o, &a);
		}
		options_free(&o);
		opt_text_cache_free(&tc);	/* SIGHUP reads the files again */
	} while (ex == CLIENT_EXIT_RELOAD);
	keep_free(&keep);
	return ex == CLIENT_EXIT_OK ? 0 : 1;
}
