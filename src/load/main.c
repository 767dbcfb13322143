/*
 * dcovpn-load: many OpenVPN clients from one process (see fleet.h and the
 * dcovpn-load(8) manual page).
 */
#include <errno.h>
#include <stdio.h>

#include "base/log.h"
#include "conf/options.h"
#include "load/args.h"
#include "load/fleet.h"

static int load_options(struct options *o, const char *path)
{
	char err[512] = "";

	if (options_parse_file(o, path, err, sizeof(err)) ||
	    options_check(o, err, sizeof(err))) {
		fprintf(stderr, "dcovpn-load: %s\n", err);
		return -EINVAL;
	}
	if (!o->tls_client || !o->pull) {
		fprintf(stderr, "dcovpn-load: %s: a client config is needed "
			"(client, or tls-client and pull)\n", path);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct load_args a;
	struct options o;
	struct fleet f;
	int ret;

	ret = load_args_parse(&a, argc, argv);
	if (ret)
		return ret > 0 ? 0 : 2;
	log_set_level(a.verb);
	log_set_tag("load");
	options_init(&o);
	ret = load_options(&o, a.config);
	if (!ret)
		ret = fleet_init(&f, &a, &o);
	if (ret) {
		options_free(&o);
		return 2;
	}
	ret = fleet_run(&f);
	fleet_report(&f, stdout);
	fleet_free(&f);
	options_free(&o);
	return ret;
}
