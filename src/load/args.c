/* dcovpn-load's command line. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/args.h"

static const char usage[] =
"usage: dcovpn-load --config CLIENT.conf [options]\n"
"  --clients N        concurrent clients (default 10, at most 1000000)\n"
"  --rate R           connects started per second at most (default 200)\n"
"  --inflight K       handshakes running at once at most (default 256)\n"
"  --hold S           seconds all clients stay up (default 5)\n"
"  --churn M          disconnect/reconnect cycles after the hold (default 0)\n"
"  --settle S         after the churn, hold all clients S more seconds before\n"
"                     the server's RSS and fds are read (default 0: as soon\n"
"                     as its fds are back, at most 5 s)\n"
"  --ping-ms MS       each client pings the server's tunnel address every\n"
"                     MS ms (default 1000; 0: keepalive only)\n"
"  --pps P            instead: P echo requests per second per client, a\n"
"                     data rate (aggregate throughput in the report)\n"
"  --size B           ICMP payload bytes (default 56)\n"
"  --keepalive S      keepalive interval (default: the pushed ping, or 10)\n"
"  --source A.B.C.D/P bind client i to address i of this range\n"
"  --server-pid PID   report the server's RSS and fds from /proc/PID\n"
"  --timeout S        bound on the whole run (default 600)\n"
"  --verb N           log level of the control channel (default 1)\n";

static int parse_uint(const char *name, const char *s, unsigned max,
		      unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max) {
		fprintf(stderr, "dcovpn-load: --%s: '%s' is not a number "
			"from 0 to %u\n", name, s, max);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

/* "198.18.0.0/16": the usable host addresses of the range (all of a /31
 * or /32; otherwise without the network and broadcast addresses). */
static int parse_source(struct load_args *a, const char *s)
{
	char buf[64], *slash;
	struct in_addr in;
	unsigned bits = 32;
	uint32_t base, size;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	if (inet_pton(AF_INET, buf, &in) != 1 ||
	    (slash && parse_uint("source", slash + 1, 32, &bits)) || bits < 8) {
		fprintf(stderr, "dcovpn-load: --source: '%s' is not an IPv4 "
			"range A.B.C.D/P with P >= 8\n", s);
		return -EINVAL;
	}
	size = bits == 32 ? 1u : 1u << (32 - bits);
	base = ntohl(in.s_addr) & ~(size - 1);
	a->src_first = size > 2 ? base + 1 : base;
	a->src_count = size > 2 ? size - 2 : size;
	a->have_src = true;
	return 0;
}

enum { O_CONFIG = 1, O_CLIENTS, O_RATE, O_INFLIGHT, O_HOLD, O_CHURN, O_SETTLE,
       O_PING, O_PPS, O_SIZE, O_KEEPALIVE, O_SOURCE, O_PID, O_TIMEOUT, O_VERB,
       O_HELP };

static const struct option longopts[] = {
	{ "config", required_argument, NULL, O_CONFIG },
	{ "clients", required_argument, NULL, O_CLIENTS },
	{ "rate", required_argument, NULL, O_RATE },
	{ "inflight", required_argument, NULL, O_INFLIGHT },
	{ "hold", required_argument, NULL, O_HOLD },
	{ "churn", required_argument, NULL, O_CHURN },
	{ "settle", required_argument, NULL, O_SETTLE },
	{ "ping-ms", required_argument, NULL, O_PING },
	{ "pps", required_argument, NULL, O_PPS },
	{ "size", required_argument, NULL, O_SIZE },
	{ "keepalive", required_argument, NULL, O_KEEPALIVE },
	{ "source", required_argument, NULL, O_SOURCE },
	{ "server-pid", required_argument, NULL, O_PID },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "verb", required_argument, NULL, O_VERB },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static int set_one(struct load_args *a, int opt, const char *v)
{
	unsigned u = 0;
	int ret = 0;

	switch (opt) {
	case O_CONFIG: a->config = v; return 0;
	case O_SOURCE: return parse_source(a, v);
	case O_CLIENTS: ret = parse_uint("clients", v, 1000000, &a->clients); break;
	case O_RATE: ret = parse_uint("rate", v, 1000000, &a->rate); break;
	case O_INFLIGHT: ret = parse_uint("inflight", v, 1000000, &a->inflight); break;
	case O_HOLD: ret = parse_uint("hold", v, 86400, &a->hold_s); break;
	case O_CHURN: ret = parse_uint("churn", v, 10000000, &a->churn); break;
	case O_SETTLE: ret = parse_uint("settle", v, 3600, &a->settle_s); break;
	case O_PING: ret = parse_uint("ping-ms", v, 3600000, &a->ping_ms); break;
	case O_PPS: ret = parse_uint("pps", v, 1000000, &a->pps); break;
	case O_SIZE: ret = parse_uint("size", v, 1400, &a->size); break;
	case O_KEEPALIVE: ret = parse_uint("keepalive", v, 3600, &a->keepalive_s); break;
	case O_TIMEOUT: ret = parse_uint("timeout", v, 86400, &a->timeout_s); break;
	case O_PID: ret = parse_uint("server-pid", v, 1u << 22, &u);
		a->server_pid = (int)u; break;
	case O_VERB: ret = parse_uint("verb", v, 11, &u); a->verb = (int)u; break;
	default: ret = -EINVAL;
	}
	return ret;
}

static int check(const struct load_args *a)
{
	if (!a->config) {
		fprintf(stderr, "dcovpn-load: --config CLIENT.conf is required\n%s",
			usage);
		return -EINVAL;
	}
	if (!a->clients || !a->rate || !a->inflight || !a->timeout_s) {
		fprintf(stderr, "dcovpn-load: --clients, --rate, --inflight and "
			"--timeout must be at least 1\n");
		return -EINVAL;
	}
	return 0;
}

int load_args_parse(struct load_args *a, int argc, char **argv)
{
	int opt;

	*a = (struct load_args){ .clients = 10, .rate = 200, .inflight = 256,
				 .hold_s = 5, .ping_ms = 1000, .size = 56,
				 .timeout_s = 600, .verb = 1 };
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == O_HELP) {
			fputs(usage, stdout);
			return 1;
		}
		if (opt == '?' || set_one(a, opt, optarg)) {
			if (opt == '?')
				fputs(usage, stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dcovpn-load: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	return check(a);
}
