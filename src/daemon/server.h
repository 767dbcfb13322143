/*
 * The multi-client server (--mode server / --server): one offload engine
 * in DCO_MODE_MP holding every client as a peer whose peer-id is its slot
 * (0..max-clients-1). The control thread runs each client's session
 * (ctl/session, server role), answers UDP resets statelessly
 * (ctl/mudp), accepts TCP connections, and on PUSH_REQUEST assigns the
 * address (pool or ccd ifconfig-push), picks the cipher (NCP), installs
 * the peer and its keys, and sends the PUSH_REPLY.
 */
#ifndef DCOVPN_DAEMON_SERVER_H
#define DCOVPN_DAEMON_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <netinet/in.h>

#include "base/safename.h"
#include "conf/options.h"
#include "ctl/session.h"

/* A client's name: the CN (up to 64 characters, as OpenVPN) or the fields
 * x509-username-field joins, with the NUL. */
#define SERVER_CN_MAX SAFENAME_MAX

/* What the status file (daemon/status.h) shows of one client. */
struct server_client_info {
	const char *cn;
	const char *real;           /* "198.18.0.2:51820" */
	const char *username;       /* "UNDEF" if none */
	bool has4, has6;
	struct in_addr vpn4;
	struct in6_addr vpn6;
	uint64_t rx_bytes, tx_bytes; /* link bytes, as OpenVPN counts */
	time_t since, last_ref;
	uint32_t client_id, peer_id;
	const char *cipher;
};

/* Run until SIGTERM/SIGINT (0), SIGUSR1 or a SIGHUP that cannot reload in
 * place (SERVER_RESTART: the caller reads the configuration again and runs
 * it anew, as OpenVPN restarts), or a fatal error (1). */
#define SERVER_RESTART 2

/* SIGHUP: read the configuration again into @o (options_init'd by the
 * callee); 0, or <0 with the error printed (@o then freed by the caller). */
struct server_reparse {
	int (*parse)(void *ctx, struct options *o);
	void *ctx;
};

struct keep;
/* @keep: what the last run left open for this one (daemon/keep.h).
 * @rp: how to read the configuration again for a live reload at SIGHUP
 * (daemon/server_reload.h); NULL: SIGHUP restarts. */
int server_run(const struct options *o, struct keep *keep,
	       const struct server_reparse *rp);

#endif
