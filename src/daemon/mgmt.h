/*
 * The management interface, as OpenVPN's (doc/management-notes.txt,
 * protocol version 5), for the client and the server: `management IP
 * PORT [PWFILE]` or `management PATH unix [PWFILE]`.
 *
 * One management client at a time (another waits in the listen queue, as
 * with OpenVPN). Lines end in CRLF. A command answers "SUCCESS: ..." or
 * "ERROR: ...", or lines closed by "END"; real-time notifications start
 * with '>' (>INFO, >STATE, >LOG, >HOLD, >BYTECOUNT, >BYTECOUNT_CLI).
 *
 * Commands (one table in mgmt_cmd.c, from which "help" is printed): help,
 * version [N], pid, status [1|2|3], state/log/echo [on|off|all|N],
 * bytecount N, hold [on|off|release], signal SIGHUP|SIGTERM|SIGUSR1|SIGUSR2,
 * verb [N], load-stats, username/password, quit/exit; on a client also
 * cr-response (the answer to a CR_TEXT challenge); on a server also kill
 * CN | kill [proto:]IP:PORT, client-kill CID [MESSAGE], nclients and, for
 * management-client-auth, client-auth CID KID (lines up to END),
 * client-auth-nt, client-deny, client-pending-auth (mgmt_cauth.c), and
 * OpenVPN 2.7's push-update-broad / push-update-cid (mgmt_pushupd.c).
 *
 * Output never blocks the loop: it is queued per connection (mgmt_out.h);
 * a client's commands wait while it leaves much unread, and it is dropped
 * when the queue is full. A bad password delays the next check
 * progressively (MGMT_PW_DELAY_MS), without blocking the loop.
 *
 * Signals from "signal" are raised on the process itself, so they take the
 * same path as a kill(1) would. The log history (management-log-cache,
 * default 1000 lines) is fed from any thread through log_set_tee(); the
 * rest runs on the control thread's loop.
 */
#ifndef DCOVPN_DAEMON_MGMT_H
#define DCOVPN_DAEMON_MGMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/options.h"
#include "ev/loop.h"

struct mgmt;

/* What the daemon does for management commands; NULL members: the
 * command is not available in this mode. */
struct mgmt_ops {
	bool server;    /* which commands are available (client or server) */
	/* The --status report in @version (0: the daemon's default). */
	void (*status)(void *ctx, FILE *f, int version);
	/* Bytes in/out (client), or one >BYTECOUNT_CLI per client (server):
	 * through mgmt_notify(). */
	void (*bytecount)(void *ctx, struct mgmt *m);
	/* Server: kill by common name or by "IP:PORT"; the number killed. */
	int (*kill)(void *ctx, const char *cn, const char *addr);
	/* Server: kill client @cid, telling it @msg (NULL: RESTART). 0 or
	 * -ENOENT. */
	int (*client_kill)(void *ctx, unsigned long cid, const char *msg);
	/* Server: push-update-broad (@cid NULL) / push-update-cid: send
	 * PUSH_UPDATE,@opts to every client announcing it, or to @cid. The
	 * number updated, or -ENOENT (no @cid), -EOPNOTSUPP (@cid did not
	 * announce it; *@peer_id says which peer), -EINVAL (@opts refused). */
	int (*push_update)(void *ctx, const unsigned long *cid, const char *opts,
			   uint32_t *peer_id);
	/* load-stats / nclients: clients and the link bytes in and out. */
	void (*load)(void *ctx, unsigned *n, uint64_t *in, uint64_t *out);
	/* Server, management-client-auth: the manager's decision on client
	 * @cid, key @kid (client-auth: @ok with its client-connect @config
	 * text, or NULL; client-deny: @reason for the log, @client_reason
	 * for the client, either NULL). 0, or -ENOENT (no such request). */
	int (*client_auth)(void *ctx, unsigned long cid, unsigned kid, bool ok,
			   const char *config, const char *reason,
			   const char *client_reason);
	/* client-pending-auth: AUTH_PENDING and INFO_PRE,@extra to the
	 * client, the decision awaited up to @timeout s more. 0, -ENOENT or
	 * -EMSGSIZE (@extra too long). */
	int (*client_pending)(void *ctx, unsigned long cid, unsigned kid,
			      const char *extra, unsigned timeout);
	/* Client: remote-entry-count / remote-entry-get: the number of
	 * remote entries; entry @i as "host,port,proto,enabled" in @buf
	 * (0, or -ENOENT past the end). */
	unsigned (*remote_count)(void *ctx);
	int (*remote_get)(void *ctx, unsigned i, char *buf, size_t len);
	/* Client: forget the passwords entered so far and any auth-token
	 * (forget-passwords, management-forget-disconnect); NULL: none kept. */
	void (*forget)(void *ctx);
	/* Client: the control message "@cmd,@arg" to the server
	 * (cr-response). 0, or <0 (the session is not up, too long). */
	int (*cc_message)(void *ctx, const char *cmd, const char *arg);
};

/* NULL (no --management) or a listening interface. */
struct mgmt *mgmt_open(const struct options *o, struct loop *l,
		       const struct mgmt_ops *ops, void *ctx);
void mgmt_close(struct mgmt *m);

/*
 * A restart (SIGHUP, SIGUSR1) keeps the interface whole, as OpenVPN's
 * outlives its restarts: the manager stays connected with its real-time
 * flags, unread output, histories and hold flag, and sees the
 * RECONNECTING state and the next instance's >HOLD and states on the same
 * connection. mgmt_keep takes @m out of its loop into @k (@o: the ending
 * instance's options); mgmt_reopen gives it back to the next instance
 * (loop @l, @ops, @ctx) if its options name the same address (*@kept
 * true), else opens anew as mgmt_open (a kept one is closed).
 */
struct keep;
void mgmt_keep(struct mgmt *m, struct keep *k, const struct options *o);
struct mgmt *mgmt_reopen(struct keep *k, const struct options *o,
			 struct loop *l, const struct mgmt_ops *ops, void *ctx,
			 bool *kept);
/* management-client: why the interface ended the daemon (its SIGTERM),
 * "management-exit" / "management-connect-failed", or NULL. */
const char *mgmt_exit_reason(const struct mgmt *m);
/* The ops' context changes (the client's connection). */
void mgmt_set_ctx(struct mgmt *m, void *ctx);

/* A state change (client: CONNECTING, WAIT, AUTH, GET_CONFIG, ASSIGN_IP,
 * ADD_ROUTES, CONNECTED, RECONNECTING, EXITING; server: CONNECTED). The
 * strings may be NULL; @rport 0: none. */
void mgmt_state(struct mgmt *m, const char *state, const char *desc,
		const char *local4, const char *remote, unsigned rport,
		const char *local6);

/* An "echo" option's text (pushed): kept for the "echo" command, sent as
 * ">ECHO:time,text" when real-time echo is on (mgmt_echo.c). */
void mgmt_echo(struct mgmt *m, const char *text);

/* A real-time line (">BYTECOUNT:..."), if a client is connected. */
void mgmt_notify(struct mgmt *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A notification followed by its environment, as OpenVPN's: the
 * @head line (">CLIENT:CONNECT,0,0"), then ">@prefix:ENV,name=value" for
 * each of @env (NULL-ended; may be NULL) and ">@prefix:ENV,END". */
void mgmt_notify_env(struct mgmt *m, const char *head, const char *prefix,
		     const char *const *env);

/* management-hold: wait for "hold release" (announced with >HOLD and
 * @wait_s) while the loop runs. 0, or the signal that ended the wait
 * (SIGTERM, SIGINT, SIGHUP). */
int mgmt_hold(struct mgmt *m, struct loop *l, unsigned wait_s);
/* The hold flag is set: a restart would wait in mgmt_hold. */
bool mgmt_hold_set(const struct mgmt *m);

/*
 * management-query-passwords: ask the management client (now, or once one
 * connects) with ">PASSWORD:Need '@type' username/password" (@user NULL:
 * "password" only; @sc a static-challenge text, appended as " SC:E,TEXT")
 * and run the loop until "username" / "password" commands answer. 0, or
 * -EINTR when a signal ended the wait.
 */
int mgmt_query(struct mgmt *m, struct loop *l, const char *type, char *user,
	       size_t ulen, char *pass, size_t plen, const char *sc,
	       bool sc_echo);

/*
 * management-query-remote / -proxy: send @line (">REMOTE:host,port,proto",
 * ">PROXY:n,UDP|TCP,host"), also to a manager that connects meanwhile, and
 * run the loop until the @cmd ("remote" / "proxy") command answers (@tcp:
 * an HTTP proxy may be given). The answer's words after the command go to
 * @args, their number is returned (0: a proxy answer that was refused);
 * -EINTR when a signal ended the wait.
 */
#define MGMT_ASK_ARGS 4
int mgmt_ask(struct mgmt *m, struct loop *l, const char *cmd,
	     const char *line, bool tcp, char args[MGMT_ASK_ARGS][256]);

/*
 * management-external-key: ask the manager to sign @in as @alg
 * (">PK_SIGN:base64,alg" for a version > 2 manager) and wait for its
 * pk-sig block, serving only the management interface (the caller is in
 * a TLS handshake). The signature in @sig (room @*siglen, set to its
 * length). 0, -EIO (no answer in time, or refused), -EBADMSG.
 */
int mgmt_pk_sign(struct mgmt *m, const char *alg, const uint8_t *in,
		 size_t inlen, uint8_t *sig, size_t *siglen);

/* management-external-cert: >NEED-CERTIFICATE:@hint, answered by a
 * "certificate" block (PEM lines): 0 with them in @pem (malloc'd), -EIO. */
int mgmt_get_cert(struct mgmt *m, const char *hint, char **pem);

/* Timers (bytecount, log lines from other threads): when and do. */
uint64_t mgmt_deadline(const struct mgmt *m);
void mgmt_tick(struct mgmt *m, uint64_t now_ms);

#endif
