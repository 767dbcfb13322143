/*
 * The client's scripts (up, route-up, route-pre-down, down) with
 * OpenVPN's arguments ("dev tun_mtu 0 ifconfig_local netmask|remote init")
 * and environment (scriptvars.h). up and route-up run from the event loop
 * (the control channel keeps being served); route-pre-down and down run to
 * completion at the end of a connection, as OpenVPN does.
 */
#ifndef DCOVPN_DAEMON_CLIENT_SCRIPT_H
#define DCOVPN_DAEMON_CLIENT_SCRIPT_H

#include <stdbool.h>
#include <sys/socket.h>

#include "ctl/tls.h"
#include "daemon/plugin.h"
#include "daemon/scriptrun.h"
#include "daemon/scriptvars.h"

/* Per run of the client (outlives connections). */
struct client_script {
	struct scriptrun run;
	struct script_proc proc;
	struct scriptenv cert;        /* the server's chain, last verified */
	struct client_tlsverify *tv;  /* a tls-verify in progress, or NULL */
};

/* What the client knows when a script runs. */
struct client_script_call {
	enum script_kind kind;
	const char *cmd;              /* the option's value; NULL: none */
	const struct options *o;
	const char *dev;              /* NULL: no tun (yet) */
	unsigned mtu;
	const struct sockaddr_storage *remote;
	const struct tls_session *tls;   /* refreshes the cert variables */
	bool routes_added;
	bool restart;                 /* up-restart on a kept tun */
	const char *signal;           /* down: "sigterm", "sigusr1", ... */
	const struct plugin_host *plugins;   /* called first; NULL: none */
	int cert_depth;               /* tls-verify: the certificate's depth */
};

void client_script_init(struct client_script *cs, struct loop *loop);
void client_script_free(struct client_script *cs);

/* The plugins' event, then the script, as OpenVPN: done(ctx, result)
 * from the loop. 1: no script to run (done not called), 0 started,
 * -errno (logged) failed to start; -ENOTRECOVERABLE: a plugin failed the
 * event (fatal for up and route-up, as in OpenVPN; the script is not run). */
int client_script_start(struct client_script *cs,
			const struct client_script_call *call,
			scriptrun_done done, void *ctx,
			struct scriptrun_job **job);
/* The environment @call's script would get (management-up-down's
 * >UPDOWN:ENV lines): 0 or -ENOMEM; scriptenv_free() it. */
int client_script_env(struct client_script *cs,
		      const struct client_script_call *call,
		      struct scriptenv *env);
/*
 * tls-verify: the command for each certificate of the server's chain
 * (@call->tls), deepest first, with OpenVPN's "DEPTH SUBJECT" arguments,
 * one at a time from the loop. done(ctx, 0) once all accepted, done(ctx,
 * -EPERM) at the first refusal (logged as OpenVPN's "VERIFY SCRIPT
 * ERROR"). 1: no tls-verify (done not called), 0 started, <0 failed.
 */
int client_script_tlsverify(struct client_script *cs,
			    const struct client_script_call *call,
			    scriptrun_done done, void *ctx);
/* The connection goes: a tls-verify in progress calls nobody. */
void client_script_cancel(struct client_script *cs);

/* The same, run to completion (bounded); 0, or the failure (logged). */
int client_script_wait(struct client_script *cs,
		       const struct client_script_call *call);

#endif
