#include "cli/args.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/netlink.h"

#define CLI_POSITIONALS_MIN 9
#define CLI_POSITIONALS_MAX 11

/* Write a one-line error and return CLI_ARGS_ERROR. */
__attribute__((format(printf, 3, 4)))
static enum cli_args_result fail(char *err, size_t err_len, const char *fmt,
				 ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return CLI_ARGS_ERROR;
}

/* A whole decimal number in [min, max]; no sign, no trailing junk. */
static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_unsigned(const char *s, unsigned long min, unsigned long max,
			  unsigned *out)
{
	unsigned long v;
	int ret = parse_uint(s, min, max, &v);

	if (!ret)
		*out = (unsigned)v;
	return ret;
}

/* ---- options ------------------------------------------------------------- */

struct cli_option {
	const char *name;
	unsigned min_args, max_args; /* max > min: trailing args are optional */
	const char *args_help;
	const char *help;
	enum cli_args_result (*apply)(struct cli_opts *o, char **args,
				      unsigned nargs, char *err, size_t len);
};

static enum cli_args_result opt_cipher(struct cli_opts *o, char **a,
				       unsigned n, char *err, size_t len)
{
	(void)n;
	if (dco_cipher_from_name(a[0], &o->cipher) < 0)
		return fail(err, len,
			    "unknown cipher '%s' (AES-128-GCM, AES-192-GCM, AES-256-GCM, CHACHA20-POLY1305, none)",
			    a[0]);
	o->cipher_set = true;
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_peer_id(struct cli_opts *o, char **a,
					unsigned n, char *err, size_t len)
{
	(void)n;
	if (parse_unsigned(a[0], 0, DCO_PEER_ID_MAX, &o->peer_id) < 0)
		return fail(err, len, "bad --peer-id '%s': need 0..%u", a[0],
			    DCO_PEER_ID_MAX);
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_keepalive(struct cli_opts *o, char **a,
					  unsigned n, char *err, size_t len)
{
	(void)n;
	if (parse_unsigned(a[0], 0, 86400, &o->ka_interval) < 0)
		return fail(err, len,
			    "bad --keepalive interval '%s': need 0..86400 seconds",
			    a[0]);
	if (parse_unsigned(a[1], 0, 86400, &o->ka_timeout) < 0)
		return fail(err, len,
			    "bad --keepalive timeout '%s': need 0..86400 seconds",
			    a[1]);
	if (o->ka_interval && o->ka_timeout && o->ka_timeout <= o->ka_interval)
		return fail(err, len,
			    "bad --keepalive %u %u: timeout must be longer than the interval",
			    o->ka_interval, o->ka_timeout);
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_ipv6(struct cli_opts *o, char **a, unsigned n,
				     char *err, size_t len)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;

	(void)n;
	if (strlen(a[0]) >= sizeof(buf))
		return fail(err, len, "bad --ipv6 '%s': need ADDR/PREFIX", a[0]);
	strcpy(buf, a[0]);
	o->ipv6_prefix = 64;
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (parse_unsigned(slash + 1, 1, 128, &o->ipv6_prefix) < 0)
			return fail(err, len,
				    "bad --ipv6 prefix in '%s': need 1..128",
				    a[0]);
	}
	if (inet_pton(AF_INET6, buf, &o->ipv6) != 1)
		return fail(err, len, "bad --ipv6 '%s': not an IPv6 address",
			    a[0]);
	o->has_ipv6 = true;
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_listen(struct cli_opts *o, char **a,
				       unsigned n, char *err, size_t len)
{
	(void)a, (void)n, (void)err, (void)len;
	o->listen = true;
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_mtu(struct cli_opts *o, char **a, unsigned n,
				    char *err, size_t len)
{
	(void)n;
	if (parse_unsigned(a[0], 68, 65535, &o->mtu) < 0)
		return fail(err, len, "bad --mtu '%s': need 68..65535", a[0]);
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_workers(struct cli_opts *o, char **a,
					unsigned n, char *err, size_t len)
{
	(void)n;
	if (parse_unsigned(a[0], 1, 16, &o->workers) < 0)
		return fail(err, len, "bad --workers '%s': need 1..16", a[0]);
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_aead_backend(struct cli_opts *o, char **a,
					     unsigned n, char *err, size_t len)
{
	(void)n;
	if (dco_aead_backend_from_name(a[0], &o->aead_backend))
		return fail(err, len, "bad --aead-backend '%s': need auto, "
			    "openssl or ipsec-mb", a[0]);
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_dev(struct cli_opts *o, char **a, unsigned n,
				    char *err, size_t len)
{
	size_t l = strlen(a[0]);

	(void)n;
	if (l == 0 || l >= IFNAMSIZ || strpbrk(a[0], "/: \t\n"))
		return fail(err, len,
			    "bad --dev '%s': need 1..%d characters, no '/', ':' or spaces",
			    a[0], IFNAMSIZ - 1);
	o->ifname = a[0];
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_verb(struct cli_opts *o, char **a, unsigned n,
				     char *err, size_t len)
{
	unsigned v;

	(void)n;
	if (parse_unsigned(a[0], 0, 11, &v) < 0)
		return fail(err, len, "bad --verb '%s': need 0..11", a[0]);
	o->verb = (int)v;
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_replay(struct cli_opts *o, char **a,
				       unsigned n, char *err, size_t len)
{
	if (parse_unsigned(a[0], 1, 65536, &o->replay_window) < 0)
		return fail(err, len, "bad --replay-window '%s': need 1..65536",
			    a[0]);
	if (n > 1 && parse_unsigned(a[1], 1, 86400, &o->replay_window_secs) < 0)
		return fail(err, len,
			    "bad --replay-window seconds '%s': need 1..86400",
			    a[1]);
	return CLI_ARGS_RUN;
}

static enum cli_args_result opt_help(struct cli_opts *o, char **a, unsigned n,
				     char *err, size_t len)
{
	(void)o, (void)a, (void)n, (void)err, (void)len;
	return CLI_ARGS_HELP;
}

static const struct cli_option cli_options[] = {
	{ "--cipher", 1, 1, "NAME",
	  "AES-128-GCM, AES-192-GCM, AES-256-GCM (default with a key file),\n"
	  "                        CHACHA20-POLY1305 or none (default without one)", opt_cipher },
	{ "--peer-id", 1, 1, "N", "peer-id sent and expected (default 0)",
	  opt_peer_id },
	{ "--keepalive", 2, 2, "I T",
	  "ping after I s of silence, give up after T s without\n"
	  "                        anything received (default 5 60, as ovpn-dco-cli; 0 0: off)",
	  opt_keepalive },
	{ "--ipv6", 1, 1, "ADDR/PREFIX",
	  "also put this IPv6 address on the tunnel (prefix default 64)",
	  opt_ipv6 },
	{ "--listen", 0, 0, "",
	  "tcp: accept the connection from REMOTE on LOCAL instead\n"
	  "                        of connecting to it (REMOTE_PORT 0: any port)",
	  opt_listen },
	{ "--mtu", 1, 1, "N", "tunnel MTU (default 1428)", opt_mtu },
	{ "--dev", 1, 1, "NAME", "tunnel device name (default dco%d)", opt_dev },
	{ "--verb", 1, 1, "N", "log level 0..11 (default 3; 4 logs control packets)",
	  opt_verb },
	{ "--workers", 1, 1, "N",
	  "engine threads 1..16, each with its own tun queue\n"
	  "                        and UDP socket (default: the online CPUs)",
	  opt_workers },
	{ "--aead-backend", 1, 1, "B",
	  "AEAD arithmetic: auto (ipsec-mb if the CPU has AES-NI\n"
	  "                        and AVX2, else openssl), openssl or ipsec-mb",
	  opt_aead_backend },
	{ "--replay-window", 1, 2, "N [SECS]",
	  "replay window in packets and seconds (default 64 15)", opt_replay },
	{ "--help", 0, 0, "", "this text", opt_help },
};

#define CLI_NOPTIONS (sizeof(cli_options) / sizeof(cli_options[0]))

void cli_args_usage(const char *prog, FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: %s [options] udp|tcp i4|i6 LOCAL_IP LOCAL_PORT REMOTE_IP REMOTE_PORT\n"
		"       VPN_IP NETMASK VPN_GW [KEY_FILE [KEY_DIRECTION]]\n\n"
		"A static-key OpenVPN data channel tunnel, as the drivers' ovpn-dco-cli.\n"
		"KEY_FILE is base64 text decoding to >= 72 bytes (data64.key); without it\n"
		"packets are not encrypted. KEY_DIRECTION 0 (default) or 1 (any value > 0);\n"
		"the two ends must use different directions.\n"
		"SIGUSR2 prints statistics; SIGINT/SIGTERM exit. Exit status: 0 after a\n"
		"signal, 1 on a setup error, 2 when the peer expired (keepalive timeout),\n"
		"3 when the TCP connection ended.\n\noptions:\n",
		prog);
	for (i = 0; i < CLI_NOPTIONS; i++) {
		const struct cli_option *opt = &cli_options[i];
		int w = fprintf(out, "  %s %s", opt->name, opt->args_help);

		fprintf(out, "%*s%s\n", w < 24 ? 24 - w : 1, "", opt->help);
	}
}

static const struct cli_option *find_option(const char *name)
{
	size_t i;

	for (i = 0; i < CLI_NOPTIONS; i++)
		if (!strcmp(cli_options[i].name, name))
			return &cli_options[i];
	return NULL;
}

/* A trailing optional argument is taken only if it looks like a number, so
 * "--replay-window 128 udp ..." leaves "udp" to the positionals. */
static unsigned option_arity(const struct cli_option *opt, char **rest,
			     int nrest)
{
	unsigned n = opt->min_args;

	while (n < opt->max_args && (int)n < nrest && rest[n][0] >= '0' &&
	       rest[n][0] <= '9')
		n++;
	return n;
}

/* Consume options; returns the index of the first positional in *@pos. */
static enum cli_args_result parse_options(int argc, char **argv,
					  struct cli_opts *o, int *pos,
					  char *err, size_t len)
{
	int i = 1;

	if (i < argc && !strcmp(argv[i], "-h"))
		return CLI_ARGS_HELP;
	while (i < argc && !strncmp(argv[i], "--", 2)) {
		const struct cli_option *opt;
		enum cli_args_result r;
		unsigned n;

		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		opt = find_option(argv[i]);
		if (!opt)
			return fail(err, len, "unknown option '%s' (see --help)",
				    argv[i]);
		n = option_arity(opt, argv + i + 1, argc - i - 1);
		if ((int)n > argc - i - 1 || n < opt->min_args)
			return fail(err, len, "%s needs %s", opt->name,
				    opt->args_help);
		r = opt->apply(o, argv + i + 1, n, err, len);
		if (r != CLI_ARGS_RUN)
			return r;
		i += 1 + (int)n;
	}
	*pos = i;
	return CLI_ARGS_RUN;
}

/* ---- positionals --------------------------------------------------------- */

static int parse_endpoint(int family, const char *ip, const char *port,
			  unsigned min_port, struct sockaddr_storage *ss,
			  socklen_t *ss_len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	unsigned p;

	if (parse_unsigned(port, min_port, 65535, &p) < 0)
		return -ERANGE;
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		*ss_len = sizeof(*sin);
		return inet_pton(AF_INET, ip, &sin->sin_addr) == 1 ? 0 : -EINVAL;
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((uint16_t)p);
	*ss_len = sizeof(*sin6);
	return inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1 ? 0 : -EINVAL;
}

static enum cli_args_result parse_transport(struct cli_opts *o, char **a,
					    char *err, size_t len)
{
	if (!strcmp(a[0], "udp"))
		o->transport = DCO_TRANSPORT_UDP;
	else if (!strcmp(a[0], "tcp"))
		o->transport = DCO_TRANSPORT_TCP;
	else
		return fail(err, len, "bad transport '%s': need udp or tcp",
			    a[0]);
	if (!strcmp(a[1], "i4"))
		o->family = AF_INET;
	else if (!strcmp(a[1], "i6"))
		o->family = AF_INET6;
	else
		return fail(err, len, "bad address family '%s': need i4 or i6",
			    a[1]);
	return CLI_ARGS_RUN;
}

static enum cli_args_result parse_endpoints(struct cli_opts *o, char **a,
					    char *err, size_t len)
{
	const char *fam = o->family == AF_INET ? "IPv4" : "IPv6";
	int ret;

	ret = parse_endpoint(o->family, a[0], a[1], 0, &o->local, &o->local_len);
	if (ret == -ERANGE)
		return fail(err, len, "bad LOCAL_PORT '%s': need 0..65535", a[1]);
	if (ret < 0)
		return fail(err, len, "bad LOCAL_IP '%s': not an %s address (%s)",
			    a[0], fam, o->family == AF_INET ? "i4" : "i6");
	/* A listener may accept any source port (the client's may be 0). */
	ret = parse_endpoint(o->family, a[2], a[3], o->listen ? 0 : 1,
			     &o->remote, &o->remote_len);
	if (ret == -ERANGE)
		return fail(err, len, "bad REMOTE_PORT '%s': need %s..65535",
			    a[3], o->listen ? "0" : "1");
	if (ret < 0)
		return fail(err, len,
			    "bad REMOTE_IP '%s': not an %s address (%s)", a[2],
			    fam, o->family == AF_INET ? "i4" : "i6");
	return CLI_ARGS_RUN;
}

/* NETMASK as ovpn-dco-cli takes it ("255.255.255.0"), or a prefix length. */
static int parse_netmask(const char *s, unsigned *prefix)
{
	struct in_addr mask;
	int ret;

	if (!parse_unsigned(s, 1, 32, prefix))
		return 0;
	if (inet_pton(AF_INET, s, &mask) != 1)
		return -EINVAL;
	ret = netmask_to_prefix(mask);
	if (ret <= 0)
		return -EINVAL;
	*prefix = (unsigned)ret;
	return 0;
}

static enum cli_args_result parse_vpn(struct cli_opts *o, char **a, char *err,
				      size_t len)
{
	if (inet_pton(AF_INET, a[0], &o->vpn_ip) != 1)
		return fail(err, len, "bad VPN_IP '%s': not an IPv4 address",
			    a[0]);
	if (parse_netmask(a[1], &o->vpn_prefix) < 0)
		return fail(err, len,
			    "bad NETMASK '%s': need a contiguous IPv4 netmask like 255.255.255.0",
			    a[1]);
	if (inet_pton(AF_INET, a[2], &o->vpn_gw) != 1)
		return fail(err, len, "bad VPN_GW '%s': not an IPv4 address",
			    a[2]);
	return CLI_ARGS_RUN;
}

/* KEY_DIRECTION as ovpn-dco-cli: any value > 0 means 1, else 0. */
static enum cli_args_result parse_key(struct cli_opts *o, char **a, int n,
				      char *err, size_t len)
{
	long v;
	char *end;

	if (n < 1)
		return CLI_ARGS_RUN;
	if (!a[0][0])
		return fail(err, len, "bad KEY_FILE: empty path");
	o->key_file = a[0];
	if (n < 2)
		return CLI_ARGS_RUN;
	errno = 0;
	v = strtol(a[1], &end, 10);
	if (errno || end == a[1] || *end)
		return fail(err, len, "bad KEY_DIRECTION '%s': need 0 or 1",
			    a[1]);
	o->key_direction = v > 0 ? 1 : 0;
	return CLI_ARGS_RUN;
}

static enum cli_args_result check_combination(struct cli_opts *o, char *err,
					      size_t len)
{
	if (o->listen && o->transport != DCO_TRANSPORT_TCP)
		return fail(err, len, "--listen applies to tcp only");
	if (!o->key_file && o->cipher_set && o->cipher != DCO_CIPHER_NONE)
		return fail(err, len, "--cipher %s needs a KEY_FILE",
			    dco_cipher_name(o->cipher));
	if (!o->key_file)
		o->cipher = DCO_CIPHER_NONE;
	return CLI_ARGS_RUN;
}

static void set_defaults(struct cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cipher = DCO_CIPHER_AES_256_GCM;
	o->ka_interval = CLI_KEEPALIVE_INTERVAL;
	o->ka_timeout = CLI_KEEPALIVE_TIMEOUT;
	o->mtu = 1428;
	o->verb = 3;
}

enum cli_args_result cli_args_parse(int argc, char **argv,
				    struct cli_opts *o, char *err,
				    size_t err_len)
{
	enum cli_args_result r;
	int pos = 1, n;

	set_defaults(o);
	r = parse_options(argc, argv, o, &pos, err, err_len);
	if (r != CLI_ARGS_RUN)
		return r;
	n = argc - pos;
	if (n < CLI_POSITIONALS_MIN)
		return fail(err, err_len,
			    "need at least %d arguments, got %d (see --help)",
			    CLI_POSITIONALS_MIN, n);
	if (n > CLI_POSITIONALS_MAX)
		return fail(err, err_len,
			    "too many arguments: '%s' (options go before the positionals; see --help)",
			    argv[pos + CLI_POSITIONALS_MAX]);
	argv += pos;
	for (int i = 0; i < n; i++)
		if (!strncmp(argv[i], "--", 2))
			return fail(err, err_len,
				    "option '%s' after the positional arguments: options go first (see --help)",
				    argv[i]);
	if ((r = parse_transport(o, argv, err, err_len)) != CLI_ARGS_RUN ||
	    (r = parse_endpoints(o, argv + 2, err, err_len)) != CLI_ARGS_RUN ||
	    (r = parse_vpn(o, argv + 6, err, err_len)) != CLI_ARGS_RUN ||
	    (r = parse_key(o, argv + 9, n - 9, err, err_len)) != CLI_ARGS_RUN)
		return r;
	return check_combination(o, err, err_len);
}
