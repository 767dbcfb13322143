/*
 * Internal to the management interface (daemon/mgmt.c: output, lines,
 * history; daemon/mgmt_open.c: listening, open and close;
 * daemon/mgmt_cmd.c: the commands): its state and shared helpers.
 */
#ifndef DCOVPN_DAEMON_MGMT_INT_H
#define DCOVPN_DAEMON_MGMT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/un.h>
#include <time.h>

#include "daemon/mgmt.h"
#include "daemon/mgmt_out.h"
#include "daemon/mgmt_peer.h"

#define MGMT_VERSION 5
#define MGMT_LINE_MAX 1024u
#define MGMT_ARGS 8
#define MGMT_LOG_DEFAULT 1000
#define MGMT_LOG_LINE 256u
#define MGMT_LOG_POLL_MS 200u
#define MGMT_PASSWORD_MAX 256u
/* Bad passwords: OpenVPN's 3 tries per connection; beyond OpenVPN, after
 * each failure the next guess (on any connection) waits, doubling from
 * MGMT_PW_DELAY_MS up to MGMT_PW_DELAY_MAX_MS. */
#define MGMT_EXTRA_MAX (64u * 1024u)
#define MGMT_PW_TRIES 3u
#define MGMT_PW_DELAY_MS 500u
#define MGMT_PW_DELAY_MAX_MS 30000u

/* The state and echo histories: the last MGMT_HIST lines with their
 * times (OpenVPN's MANAGEMENT_STATE/ECHO_BUFFER_SIZE), mgmt_hist.c. */
#define MGMT_HIST 100u

struct mgmt_hist_rec {
	time_t t;
	char text[256];              /* "STATE,desc,...", or an echo text */
};

struct mgmt_hist {
	struct mgmt_hist_rec rec[MGMT_HIST];
	unsigned n;                  /* total ever, the ring holds the last */
};

struct mgmt_log_rec {
	time_t t;
	char flag;                   /* I, W, N, F, D */
	char line[MGMT_LOG_LINE];
};

/* Log lines from any thread; sent by the control thread. */
struct mgmt_log {
	pthread_mutex_t mu;
	struct mgmt_log_rec *rec;
	unsigned cap;
	uint64_t next;               /* sequence number of the next line */
	uint64_t sent;               /* real-time lines sent up to here */
};

/* A >PASSWORD question waiting for its username / password commands. */
struct mgmt_query {
	bool pending;
	char type[32];               /* "Auth", "Private Key" */
	bool need_user, have_user, have_pass;
	char user[256];
	char pass[MGMT_LINE_MAX];    /* secret */
	char extra[300];             /* " SC:1,text" for static-challenge */
};

/* A multi-line command (client-auth CID KID, then lines up to "END"). */
struct mgmt_extra {
	bool on;
	bool pk_sig;                 /* pk-sig's block, else client-auth's */
	bool overflow;               /* more than MGMT_EXTRA_MAX: refused */
	unsigned long cid;
	unsigned kid;
	char *text;                  /* the lines, each with '\n' */
	size_t len;
};

/* A >REMOTE / >PROXY question waiting for its command (mgmt_ask.c). */
struct mgmt_ask {
	bool pending, answered;
	bool tcp;                    /* the connection is TCP (HTTP proxy) */
	char cmd[8];                 /* "remote" / "proxy" */
	char line[300];              /* the notification */
	char args[MGMT_ASK_ARGS][256];
	int nargs;
};

/* management-external-key: a signature asked for (mgmt_pksig.c). */
enum mgmt_pk_state { MGMT_PK_NONE, MGMT_PK_SOLICIT, MGMT_PK_INPUT,
		     MGMT_PK_READY, MGMT_PK_FAILED };

struct mgmt_pk {
	enum mgmt_pk_state state;
	char *line;                  /* ">PK_SIGN:..." */
	char cmd[12];                /* the command that answers */
	char *b64;                   /* the answer's lines */
	size_t b64_len;
};

struct mgmt {
	struct loop *loop;
	const struct mgmt_ops *ops;
	void *ctx;
	int lfd, cfd;
	struct mgmt_peer peer;       /* management-client-user/group */
	int ofd;                     /* management-client: connecting */
	bool outbound;               /* management-client: no listening */
	bool signal_on_drop;         /* management-signal: SIGUSR1 on a drop */
	bool forget_on_drop;         /* management-forget-disconnect */
	char out_desc[160];          /* where it connects */
	const char *exit_reason;     /* the daemon ends because of us */
	char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char password[MGMT_PASSWORD_MAX];  /* secret; empty: none */
	bool authed;
	unsigned pw_tries;           /* bad passwords on this connection */
	unsigned pw_fails;           /* in a row, on any connection */
	uint64_t pw_until_ms;        /* no password checked before this */
	struct mgmt_out out;         /* not yet read by the client */
	uint32_t cev;                /* the events watched on cfd */
	bool out_warned;             /* "does not read" logged */
	char in[MGMT_LINE_MAX];
	size_t in_len;
	bool in_overflow;
	bool hold_flag, held;
	bool state_rt, log_rt, echo_rt;
	unsigned bytecount_s;
	uint64_t bytecount_next_ms;
	struct mgmt_query q;         /* management-query-passwords */
	struct mgmt_extra extra;
	struct mgmt_ask ask;
	struct mgmt_pk pk;
	int client_version;          /* "version N" (1 until told) */
	struct mgmt_hist states;
	struct mgmt_hist echos;
	struct mgmt_log log;
};

/* mgmt.c */
void mgmt_printf(struct mgmt *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One line of any length, CRLF added (mgmt_printf cuts at MGMT_LINE_MAX). */
void mgmt_send_line(struct mgmt *m, const char *s);
/* A multi-line block (a status report): each line with CRLF. */
void mgmt_send_block(struct mgmt *m, const char *text, size_t len);
void mgmt_drop_client(struct mgmt *m);
/* Log lines [from, next) still kept, as ">LOG:" lines or plain. */
void mgmt_log_send(struct mgmt *m, uint64_t from, bool realtime);
uint64_t mgmt_log_next(struct mgmt *m);
/* mgmt_hist.c: a line into @h (its record, time set); the last @n
 * (0: all kept) lines of @h as "time,text". */
struct mgmt_hist_rec *mgmt_hist_add(struct mgmt_hist *h);
void mgmt_hist_send(struct mgmt *m, const struct mgmt_hist *h, unsigned n);

/* The pending >PASSWORD question, if any, to the client. */
void mgmt_query_announce(struct mgmt *m);

/* A connected manager's socket (accepted, or connected out): 0 or -errno
 * (@fd closed). */
int mgmt_attach(struct mgmt *m, int fd);
/* Loop callback of the listening socket: accept one manager. */
void mgmt_accept(void *ctx, uint32_t events);
/* The loop callbacks of the manager's connection (mgmt.c) and of
 * management-client's connect (mgmt_connect.c), for mgmt_adopt. */
void mgmt_io(void *ctx, uint32_t events);
void mgmt_connected(void *ctx, uint32_t events);
/* Out of its loop (a restart, or the close): its sockets stay open. */
void mgmt_unwatch(struct mgmt *m);
/* log_set_tee sink: keeps each log line in the history (@ctx: the
 * struct mgmt_log) for `log` and real-time output. */
void mgmt_log_tee(void *ctx, int level, const char *line);

/* mgmt_ask.c: the pending >REMOTE / >PROXY to a new client; the commands
 * that answer. */
void mgmt_ask_announce(struct mgmt *m);
void mgmt_cmd_remote(struct mgmt *m, char **argv, int argc);
void mgmt_cmd_proxy(struct mgmt *m, char **argv, int argc);

/* Serve only the management socket once (until @deadline_ms at most). */
void mgmt_serve_only(struct mgmt *m, uint64_t deadline_ms);

/* mgmt_pksig.c */
void mgmt_cmd_pk_sig(struct mgmt *m, char **argv, int argc);
void mgmt_pksig_done(struct mgmt *m);
void mgmt_pksig_announce(struct mgmt *m);

/* mgmt_connect.c: management-client. */
int mgmt_connect_out(struct mgmt *m, const struct options *o);
void mgmt_connect_lost(struct mgmt *m, const char *reason);

/* mgmt_cmd.c: run one command line (it may be modified). */
void mgmt_command(struct mgmt *m, char *line);
/* A line of a multi-line command's block; "END" runs the command. */
void mgmt_extra_line(struct mgmt *m, const char *line);
void mgmt_extra_reset(struct mgmt *m);

/* mgmt_cauth.c: the management-client-auth commands. */
void mgmt_cmd_client_auth(struct mgmt *m, char **argv, int argc);
void mgmt_cmd_client_deny(struct mgmt *m, char **argv, int argc);
void mgmt_cmd_client_pending(struct mgmt *m, char **argv, int argc);
/* mgmt_pushupd.c */
void mgmt_cmd_push_update(struct mgmt *m, char **argv, int argc);

#endif
