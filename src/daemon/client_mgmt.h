/*
 * --management on the client (daemon/mgmt.h): status and bytecount from
 * the current connection's engine, and the state notifications OpenVPN's
 * GUIs follow (WAIT / TCP_CONNECT, GET_CONFIG, ASSIGN_IP, ADD_ROUTES,
 * CONNECTED, RECONNECTING, EXITING).
 */
#ifndef DCOVPN_DAEMON_CLIENT_MGMT_H
#define DCOVPN_DAEMON_CLIENT_MGMT_H

#include <sys/socket.h>

#include "conf/options.h"
#include "ctl/session.h"
#include "ctl/tls_extkey.h"
#include "daemon/clientcfg.h"
#include "daemon/keep.h"
#include "daemon/mgmt.h"
#include "dcovpn/dco.h"
#include "ev/loop.h"

struct client_mgmt {
	struct mgmt *m;          /* NULL: no --management */
	struct loop *loop;
	const struct options *o;  /* the run's (remote entries) */
	struct dco *dco;         /* the current connection's engine, or NULL */
	struct session *sess;    /* its control channel, or NULL */
	struct clientcfg_asker asker;
	struct tls_ext_signer signer;   /* management-external-key */
	bool forgotten;          /* forget-passwords: ask again (the running
				  * connection keeps its session) */
};

/* 0, or -EIO when --management was asked for and cannot listen; the
 * interface kept in @keep by client_mgmt_reload is taken over. */
int client_mgmt_open(struct client_mgmt *cm, const struct options *o,
		     struct loop *l, struct keep *keep);
void client_mgmt_close(struct client_mgmt *cm);
/* The run ends for a SIGHUP: RECONNECTING,SIGHUP, and the interface (its
 * manager connected) kept in @keep for the next run. */
void client_mgmt_reload(struct client_mgmt *cm, struct keep *keep);

/* management-query-passwords: credentials asked through the interface
 * (NULL: not configured, ask on the terminal). */
const struct clientcfg_asker *client_mgmt_asker(struct client_mgmt *cm,
						const struct options *o);
/* AUTH_FAILED: ">PASSWORD:Verification Failed: 'Auth'". */
void client_mgmt_auth_failed(struct client_mgmt *cm);

/* What the manager said about the next remote (management-query-remote /
 * -proxy). */
struct client_pick {
	unsigned skip;               /* remote SKIP [n]: go n entries on */
	bool mod;                    /* remote MOD host port */
	char host[256], port[16];
	enum { PICK_DIRECT, PICK_HTTP, PICK_SOCKS } proxy;
	char phost[256], pport[16];  /* proxy HTTP|SOCKS host port */
	bool nct;                    /* proxy ... nct: no cleartext auth */
};

/* Ask about remote entry @idx of @o (>REMOTE, or >PROXY) and wait for the
 * answer in @pick. 0 (also when not configured: nothing asked), or -EINTR
 * (a signal ended the wait). */
int client_mgmt_pick(struct client_mgmt *cm, const struct options *o,
		     size_t idx, struct client_pick *pick);

/* management-up-down: ">UPDOWN:@what" (UP, DOWN) and @env. */
void client_mgmt_updown(struct client_mgmt *cm, const char *what,
			const char *const *env);

/* The "echo" lines @o has collected from pushes, to the manager's echo
 * buffer; they are taken out of @o. */
void client_mgmt_echo(struct client_mgmt *cm, struct options *o);

/* Plain state change (no addresses). */
void client_mgmt_state(struct client_mgmt *cm, const char *state,
		       const char *desc);
/* ASSIGN_IP / CONNECTED with the tunnel addresses (pulled options) and,
 * for CONNECTED, the server's address. */
void client_mgmt_state_addr(struct client_mgmt *cm, const char *state,
			    const struct options *o,
			    const struct sockaddr_storage *remote);

#endif
