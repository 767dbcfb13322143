/*
 * The server's scripts, as OpenVPN 2.6 runs them, with its environment
 * (scriptvars.h) and without blocking the event loop:
 *
 *   up, route-up         at start-up, run to completion (a failing up is
 *                        fatal, as OpenVPN's); route-pre-down, down at exit
 *   auth-user-pass-verify   via-env or via-file; exit 0 accepts, 2 defers:
 *                        the decision then comes through auth_control_file
 *                        ('1' / '0'), polled until hand-window ends;
 *                        auth_pending_file (timeout, method, extra) sends
 *                        AUTH_PENDING + INFO_PRE; auth_failed_reason_file
 *                        becomes "AUTH_FAILED,reason"
 *   client-connect       its config file ($1 and client_connect_config_file)
 *                        read as a ccd file; '2' written to
 *                        client_connect_deferred_file defers until it
 *                        holds '1' or '0' (polled, bounded by hand-window)
 *   client-disconnect, learn-address   not waited for, but run one at a
 *                        time in the order they came (as OpenVPN runs them)
 *   tls-crypt-v2-verify  run to completion during the handshake
 *
 * Every per-client script needs --script-security 2.
 */
#ifndef DCOVPN_DAEMON_SERVER_SCRIPT_H
#define DCOVPN_DAEMON_SERVER_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/scriptenv.h"
#include "daemon/scriptrun.h"
#include "daemon/scriptvars.h"

struct srv_client;
struct server;
struct options;

/* A per-client script's outcome: 0 accepted, <0 refused. */
typedef void (*server_script_done)(struct srv_client *c, int ret);

/* One client's scripts in flight and what later scripts are told. */
struct srv_scripts {
	struct scriptenv cert;          /* peer chain, captured when verified */
	struct scriptenv auth_files;    /* auth_*_file names, for later envs */
	struct scriptrun_job *job;      /* auth or client-connect running */
	server_script_done done;
	bool reauth;
	char *cred_file;                /* via-file credentials */
	char *acf, *apf, *afr;          /* auth control/pending/failed-reason */
	char *ccf, *ccr;                /* client-connect config, deferred */
	struct options *co;             /* client-connect: parsed into */
	uint64_t defer_until_ms;        /* 0: nothing deferred */
	char reason[256];               /* AUTH_FAILED reason, "" none */
};

/* Server-wide (struct server holds it). */
struct srv_scriptrun {
	struct scriptrun run;
	struct script_proc proc;
	char dev[32];                   /* the tun, kept for down after close */
	unsigned mtu;
	bool up;                        /* up ran: route-pre-down, down due */
};

void server_script_init(struct server *s);
/* At exit: what still runs gets until its timeout, then is killed. */
void server_script_free(struct server *s);
/* The plugins' UP and the up script (fatal if either fails: -1), then
 * ROUTE_UP and route-up once routes are set. */
int server_script_up(struct server *s);
void server_script_route_up(struct server *s);
/* Before the tun closes (@tun_open): route-pre-down, and DOWN + down
 * with --down-pre; after: DOWN + down. To completion; only after up. */
void server_script_down(struct server *s, const char *signal, bool tun_open);
/* The scripts' timeouts; the next deadline. */
uint64_t server_script_tick(struct server *s, uint64_t now_ms);
/* @c's deferred decision (auth/connect files): polled; lowers *@next. */
void server_script_client_tick(struct srv_client *c, uint64_t now_ms,
			       uint64_t *next);

/* The peer's certificate chain is verified: keep its variables. */
void server_script_cert(struct srv_client *c);
/* The client goes: detach its scripts, remove their files. */
void server_script_client_free(struct srv_client *c);

/*
 * Start auth-user-pass-verify: 1 decided already (no script, or an
 * auth-token of ours: ok), 0 started (@done later), <0 refused now.
 */
int server_script_auth(struct srv_client *c, bool reauth,
		       server_script_done done);
/* Start client-connect, parsing its file into @co: as auth. */
int server_script_connect(struct srv_client *c, struct options *co,
			  server_script_done done);
void server_script_disconnect(struct srv_client *c);
void server_script_learn(struct srv_client *c, const char *op);
/* learn-address "delete @addr" alone (a stale route, server_stale.c) */
void server_script_learn_delete(struct srv_client *c, const char *addr);
/* learn-address "add ADDR CN" for one address text (an iroute's). */
void server_script_learn_addr(struct srv_client *c, const char *addr);
int server_script_v2_verify(struct srv_client *c, const uint8_t *meta,
			    size_t len);

/* Deferred auth, shared by scripts, plugins and the manager: AUTH_PENDING
 * [,timeout N] (N only to clients with IV_PROTO's AUTH_PENDING_KW) and
 * INFO_PRE,@extra, as OpenVPN's send_auth_pending_messages; N capped at
 * max(reneg-sec / 2, hand-window): the capped N. */
unsigned server_auth_pending_send(struct srv_client *c, const char *extra,
				  unsigned timeout_s);
/* An auth_pending_file as OpenVPN reads it: empty or missing: 0; else
 * "timeout\nmethod\nextra" with a method the client lists in IV_SSO:
 * AUTH_PENDING sent, *@timeout_s its deadline in seconds, 1; malformed or
 * unsupported: -EACCES (OpenVPN's reason for the client in @reason). */
int server_auth_pending_file(struct srv_client *c, const char *path,
			     unsigned *timeout_s, char *reason, size_t len);

/* Internal to server_script*.c: may scripts run (script-security 2)? */
bool server_script_allowed(const struct server *s, const char *type);
/* Start @cmd with @extra for @c, its environment for @kind plus @call;
 * @done from the loop (ctx @c). Without @done: queued behind the other
 * such scripts (client-disconnect, learn-address). 0 started or queued,
 * or -errno (logged). */
int server_script_start(struct srv_client *c, enum script_kind kind,
			const char *cmd, const char *const *extra,
			const struct scriptenv *call, scriptrun_done done,
			struct scriptrun_job **job);

#endif
