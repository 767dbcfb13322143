/*
 * dcovpn-cli command line: the positional arguments of the drivers' test tool
 * (ovpn-dco-cli, PROTOCOL.md 8.2) plus a few options in front of them.
 */
#ifndef DCOVPN_CLI_ARGS_H
#define DCOVPN_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "dcovpn/dco.h"

/* ovpn-dco-cli sends SET_PEER(5, 60): ping every 5 s, expire after 60 s. */
#define CLI_KEEPALIVE_INTERVAL 5u
#define CLI_KEEPALIVE_TIMEOUT 60u
/* How long TCP connection set-up may take (connect retries or accept). */
#define CLI_TCP_SETUP_MS 30000u

struct cli_opts {
	/* options */
	enum dco_cipher cipher;
	bool cipher_set;
	uint32_t peer_id;
	unsigned ka_interval, ka_timeout;
	bool has_ipv6;
	struct in6_addr ipv6;
	unsigned ipv6_prefix;
	bool listen;
	unsigned mtu;
	const char *ifname;
	int verb;
	unsigned replay_window, replay_window_secs;
	unsigned workers;              /* 0: the engine's default */
	enum dco_aead_backend aead_backend; /* 0: auto */

	/* positionals */
	enum dco_transport transport;
	int family;                      /* AF_INET (i4) or AF_INET6 (i6) */
	struct sockaddr_storage local, remote;
	socklen_t local_len, remote_len;
	struct in_addr vpn_ip, vpn_gw;
	unsigned vpn_prefix;
	const char *key_file;            /* NULL: cipher none */
	int key_direction;               /* 0 or 1 */
};

/* What cli_args_parse() decided. */
enum cli_args_result {
	CLI_ARGS_RUN,    /* opts filled, go on */
	CLI_ARGS_HELP,   /* --help printed, exit 0 */
	CLI_ARGS_ERROR,  /* a one-line error was written to @err, exit 1 */
};

enum cli_args_result cli_args_parse(int argc, char **argv,
				    struct cli_opts *opts, char *err,
				    size_t err_len);
void cli_args_usage(const char *prog, FILE *out);

#endif
