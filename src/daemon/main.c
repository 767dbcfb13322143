/*
 * dcovpn: an OpenVPN 2.6 compatible client whose data channel runs in the
 * offload engine. `dcovpn --config client.ovpn` or `dcovpn client.ovpn`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "conf/options.h"
#include "daemon/client.h"

#define DCOVPN_VERSION "dcovpn 0.1 (OpenVPN 2.6 protocol, data channel offload)"

static int main_parse(struct options *o, int argc, char **argv)
{
	char err[OPT_ERR_LEN];

	options_init(o);
	if (options_parse_argv(o, argc, argv, err, sizeof(err)) ||
	    options_check(o, err, sizeof(err))) {
		fprintf(stderr, "Options error: %s\n", err);
		fprintf(stderr, "Use --help for more information.\n");
		return -EINVAL;
	}
	if (!o->client && !(o->pull && o->tls_client)) {
		fprintf(stderr, "Options error: dcovpn runs as a client only for "
			"now (--client, or --pull with --tls-client)\n");
		return -EINVAL;
	}
	return 0;
}

static void usage(void)
{
	printf("%s\n\nusage: dcovpn --config client.ovpn [--option args ...]\n"
	       "       dcovpn client.ovpn\n"
	       "Options are OpenVPN 2.6's (client side).\n", DCOVPN_VERSION);
}

int main(int argc, char **argv)
{
	struct client_args a = { .argc = argc, .argv = argv };
	enum client_exit ex;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage();
		return argc < 2 ? 1 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("%s\n", DCOVPN_VERSION);
		return 0;
	}
	do {
		struct options o;

		if (main_parse(&o, argc, argv))
			return 1;
		log_set_level(o.verb >= 0 ? o.verb : 1);
		log_info("%s", DCOVPN_VERSION);
		ex = client_run(&o, &a);
		options_free(&o);
	} while (ex == CLIENT_EXIT_RELOAD);
	return ex == CLIENT_EXIT_OK ? 0 : 1;
}
